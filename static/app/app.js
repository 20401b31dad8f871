// Tabletop's own script: countdown clocks, polite polling, one-click submits.
// No inline handlers and no eval, so the Content Security Policy stays strict.
(function () {
  "use strict";

  // Clocks count down from the server's absolute deadline; every poll re-renders
  // the element with fresh values, which re-syncs them.
  function pad(n) { return String(n).padStart(2, "0"); }

  function format(seconds) {
    seconds = Math.max(0, Math.round(seconds));
    const h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    return h ? h + ":" + pad(m) + ":" + pad(s) : pad(m) + ":" + pad(s);
  }

  // A screen reader hears what changed in a live room (a round opened or closed, news,
  // offers to answer, the last minute) through one polite status region, #room-status,
  // and never the clock's every second: the clock is a role="timer", silent by default.
  const warned = new Set();
  let lastAnnounced = null;
  function announce(text) {
    const region = document.getElementById("room-status");
    if (!region || !text || text === lastAnnounced) return;
    lastAnnounced = text;
    region.textContent = text;
  }

  function tick() {
    document.querySelectorAll(".clock").forEach(function (el) {
      const status = el.dataset.status;
      let left;
      if (status === "paused") {
        left = Number(el.dataset.remaining || 0);
        el.classList.add("is-paused");
        el.textContent = format(left) + " paused";
        return;
      }
      if (!el.dataset.deadline) { el.textContent = "--:--"; return; }
      left = (Date.parse(el.dataset.deadline) - Date.now()) / 1000;
      el.classList.toggle("is-low", left < 60);
      el.textContent = left > 0 ? format(left) : "time is up";
      if (left > 0 && left < 60 && !warned.has(el.dataset.deadline)) {
        warned.add(el.dataset.deadline);
        announce("Less than one minute left in the round.");
      }
    });
  }
  setInterval(tick, 1000);
  document.addEventListener("DOMContentLoaded", tick);
  document.addEventListener("htmx:afterSettle", tick);

  document.addEventListener("DOMContentLoaded", function () {
    const live = document.querySelector("[data-announce]");
    if (live) lastAnnounced = live.dataset.announce;  // the page itself says this as it loads
  });
  document.addEventListener("htmx:afterSettle", function () {
    const live = document.querySelector("[data-announce]");
    if (live) announce(live.dataset.announce);
  });

  // Sending or answering an offer in place says how it went at the top of the room, as the
  // reload it replaces did: focus goes to the message (#room-flash, data-fresh), so a keyboard
  // or screen-reader user hears it instead of losing focus with the swapped composer. A counter
  // swapped in (or cancelled) marks the composer's heading instead: focus and reading start there.
  document.addEventListener("htmx:afterSettle", function () {
    const fresh = document.querySelector("#room-flash[data-fresh], #composer-heading[data-fresh]");
    if (!fresh) return;
    fresh.removeAttribute("data-fresh");
    fresh.focus();
  });

  // A hidden tab polls every 10 s instead of every 2 s.
  let lastHiddenPoll = 0;
  document.addEventListener("htmx:confirm", function (evt) {
    const el = evt.detail.elt;
    if (!el || !el.hasAttribute("data-poll") || !document.hidden) return;
    const now = Date.now();
    if (now - lastHiddenPoll < 10000) { evt.preventDefault(); return; }
    lastHiddenPoll = now;
  });

  // When the server is busy (503), wait before the next poll instead of hammering it.
  let backoffUntil = 0;
  document.addEventListener("htmx:beforeRequest", function (evt) {
    if (evt.detail.elt && evt.detail.elt.hasAttribute("data-poll") && Date.now() < backoffUntil) evt.preventDefault();
  });
  document.addEventListener("htmx:responseError", function (evt) {
    if (evt.detail.xhr && evt.detail.xhr.status === 503) backoffUntil = Date.now() + 10000;
  });

  // A double click sends one form; the server deduplicates anyway.
  document.addEventListener("submit", function (evt) {
    const button = evt.submitter;
    if (!button || !button.hasAttribute("data-once")) return;
    if (button.dataset.sent) { evt.preventDefault(); return; }
    button.dataset.sent = "1";
    setTimeout(function () { button.disabled = true; }, 0);
  });

  // Print buttons (join cards): <button data-print>.
  document.addEventListener("click", function (evt) {
    if (evt.target.closest("[data-print]")) window.print();
  });

  // The offer modal shows "Loading…" until its hx-get answers, never the previous offer.
  document.addEventListener("show.bs.modal", function (evt) {
    const body = evt.target.querySelector(".modal-body");
    if (body) body.innerHTML = '<p class="text-body-secondary">Loading…</p>';
  });

  // The projector shows what fits on one screen: a [data-fit] box that clips (app.css) hides
  // its [data-fit-item]s from the first that would be cut off; [data-fit-more] says how many.
  function hideOverflow(box, items) {
    items.forEach(function (item) { item.hidden = false; });
    if (getComputedStyle(box).overflowY !== "hidden") return 0;
    const bottom = box.getBoundingClientRect().bottom;
    let hidden = 0;
    items.forEach(function (item) {
      if (hidden || item.getBoundingClientRect().bottom > bottom + 1) { item.hidden = true; hidden += 1; }
    });
    return hidden;
  }

  function fit() {
    document.querySelectorAll("[data-fit]").forEach(function (box) {
      const items = box.querySelectorAll("[data-fit-item]");
      const more = box.parentElement.querySelector("[data-fit-more]");
      if (more) more.hidden = true;
      let hidden = hideOverflow(box, items);
      if (!more || !hidden) return;
      // The note takes room from the box: measure again with it shown (its wording is one line either way).
      more.textContent = moreText(hidden);
      more.hidden = false;
      more.textContent = moreText(hideOverflow(box, items));
    });
  }

  function moreText(hidden) {
    return hidden === 1 ? "1 earlier agreement is not shown here; the report lists every one."
      : hidden + " earlier agreements are not shown here; the report lists every one.";
  }
  document.addEventListener("DOMContentLoaded", fit);
  document.addEventListener("htmx:afterSettle", fit);
  window.addEventListener("resize", fit);

  // Destructive buttons ask first: <button data-confirm="Close round 2 now?">.
  document.addEventListener("click", function (evt) {
    const button = evt.target.closest("[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) evt.preventDefault();
  });
})();
