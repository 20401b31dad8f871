"""Pages anyone may open: the landing page, joining a team, the health check."""

from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from exercises import access, bots, ratelimit, roster, services
from exercises.forms import JoinForm
from exercises.models import Team, name_key, normalise_join_code


@require_GET
def healthz(request):
    # Touches neither the database nor the session: the baseline for poll benchmarks.
    return HttpResponse("ok", content_type="text/plain")


@require_GET
def home(request):
    if request.user.is_authenticated:
        return redirect("exercise_list")
    return render(request, "exercises/home.html", {"form": JoinForm()})


@require_http_methods(["GET", "POST"])
def join(request, code: str = ""):
    if request.method == "POST":
        if ratelimit.is_blocked(ratelimit.JOIN, request):
            return ratelimit.too_many(request, ratelimit.JOIN)
        form = JoinForm(request.POST)
        if "code" in form.errors:
            ratelimit.count_attempt(ratelimit.JOIN, request)
        if form.is_valid():
            team, name = form.team, form.cleaned_data["display_name"]
            seat = f"{team.pk}:{name_key(name)}"
            if ratelimit.is_blocked(ratelimit.REJOIN, request, seat):
                return ratelimit.too_many(request, ratelimit.REJOIN)
            try:
                result = roster.join_team(
                    team=team, display_name=name, seat_id=access.seat_participant_id(request, team.pk)
                )
            except services.GameError as exc:
                form.add_error(None, str(exc))
            else:
                if result.returning:
                    ratelimit.count_attempt(ratelimit.REJOIN, request, seat)
                bots.human_joined(team, result.participant)
                access.take_seat(request, result.participant)
                return redirect("team_room", team_id=team.pk)
    else:
        code = normalise_join_code(code)
        seated = _team_seated_by_code(request, code) if code else None
        if seated:
            return redirect("team_room", team_id=seated)
        form = JoinForm(initial={"code": code} if code else None)
    return render(request, "exercises/join.html", {"form": form, "prefilled": bool(code)})


def _team_seated_by_code(request, code: str) -> int | None:
    """A returning player who opens the join link again goes straight back to the team."""
    team_id = Team.objects.filter(join_code=code).values_list("pk", flat=True).first()
    if team_id and access.seat_participant_id(request, team_id):
        return team_id
    return None


class LoginView(auth_views.LoginView):
    """Django's login, with failed attempts limited per client and username."""

    def post(self, request, *args, **kwargs):
        if ratelimit.is_blocked(ratelimit.LOGIN, request, self._username()):
            return ratelimit.too_many(request, ratelimit.LOGIN)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        ratelimit.count_attempt(ratelimit.LOGIN, self.request, self._username())
        return super().form_invalid(form)

    def _username(self) -> str:
        return ratelimit.login_name(self.request.POST.get("username", ""))
