"""The composer's fields in plain Bootstrap 5 markup, built in Python.

crispy-forms renders one template per field and Django one per checkbox or option; with
60 parties the "for whom" and recipient lists made the team room spend most of its time
there (docs/performance.md). This filter writes the same markup crispy-forms writes for
these widgets (ids, names, labels, help text, errors inline under the field) directly.
"""

from django import forms, template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()

_INPUT_CLASS = {"number": "numberinput form-control", "text": "textinput form-control"}


def _attrs(attrs: dict) -> str:
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False and value is not None
        ),
    )


def _errors(bf, *, block: bool = False) -> str:
    if not bf.errors:
        return ""
    items = format_html_join(
        "", '<p id="error_{}_{}"><strong>{}</strong></p>', ((i, bf.auto_id, e) for i, e in enumerate(bf.errors, 1))
    )
    return format_html(
        '<div id="{}_error" class="invalid-feedback{}">{}</div>', bf.auto_id, " d-block" if block else "", items
    )


def _help(bf) -> str:
    if not bf.help_text:
        return ""
    return format_html('<div id="{}_helptext" class="form-text">{}</div>', bf.auto_id, bf.help_text)


def _widget_context(bf, css: str) -> dict:
    widget = bf.field.widget
    attrs = bf.build_widget_attrs({}, widget)
    if bf.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", bf.auto_id)
    attrs["class"] = css + (" is-invalid" if bf.errors else "")
    return widget.get_context(bf.html_name, bf.value(), attrs)["widget"]


def _label(bf) -> str:
    required = bf.field.required
    return format_html(
        '<label for="{}" class="form-label{}">{}{}</label>',
        bf.id_for_label,
        " requiredField" if required else "",
        bf.label,
        mark_safe('<span class="asteriskField">*</span>') if required else "",
    )


def _checkboxes(bf) -> str:
    chosen = {str(v) for v in (bf.value() or [])}
    invalid = " is-invalid" if bf.errors else ""
    boxes = format_html_join(
        "",
        '<div class="form-check"><input type="checkbox" class="form-check-input{}" name="{}" value="{}" id="{}_{}"{}>'
        '<label for="{}_{}" class="form-check-label">{}</label></div>',
        (
            (invalid, bf.html_name, value, bf.auto_id, i, mark_safe(" checked") if str(value) in chosen else "")
            + (bf.auto_id, i, label)
            for i, (value, label) in enumerate(bf.field.choices)
        ),
    )
    return format_html(
        '<div id="div_{}" class="mb-3"><fieldset><legend class="form-label fs-6">{}{}</legend><div>{}</div>{}{}</fieldset></div>',
        bf.auto_id,
        bf.label,
        mark_safe('<span class="asteriskField">*</span>') if bf.field.required else "",
        boxes,
        _errors(bf, block=True),
        _help(bf),
    )


def _select(bf) -> str:
    w = _widget_context(bf, "select form-select")
    chosen = {str(v) for v in w["value"]}
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, mark_safe(" selected") if str(value) in chosen else "", label) for value, label in bf.field.choices),
    )
    return format_html('<select name="{}"{}>{}</select>', w["name"], mark_safe(_attrs(w["attrs"])), options)


def _textarea(bf) -> str:
    w = _widget_context(bf, "textarea form-control")
    return format_html(
        '<textarea name="{}"{}>\n{}</textarea>', w["name"], mark_safe(_attrs(w["attrs"])), w["value"] or ""
    )


def _input(bf) -> str:
    input_type = bf.field.widget.input_type
    w = _widget_context(bf, _INPUT_CLASS.get(input_type, "form-control"))
    value = format_html(' value="{}"', w["value"]) if w["value"] not in (None, "") else ""
    return format_html('<input type="{}" name="{}"{}{}>', w["type"], w["name"], value, mark_safe(_attrs(w["attrs"])))


@register.filter
def lean_field(bf):
    """One bound field with its label, widget, errors and help text (Bootstrap 5)."""
    widget = bf.field.widget
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return _checkboxes(bf)
    if isinstance(widget, forms.Select):
        control = _select(bf)
    elif isinstance(widget, forms.Textarea):
        control = _textarea(bf)
    else:
        control = _input(bf)
    return format_html(
        '<div id="div_{}" class="mb-3">{}{}{}{}</div>',
        bf.auto_id,
        _label(bf),
        control,
        mark_safe(_errors(bf)),
        mark_safe(_help(bf)),
    )
