"""Pages anyone may open: the landing page, joining a team, the health check."""

from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from exercises import access, ratelimit, services
from exercises.forms import JoinForm
from exercises.models import Team, normalise_join_code


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
            ratelimit.record_failure(ratelimit.JOIN, request)
        if form.is_valid():
            try:
                result = services.join_team(team=form.team, display_name=form.cleaned_data["display_name"])
            except services.GameError as exc:
                form.add_error(None, str(exc))
            else:
                access.take_seat(request, result.participant)
                return redirect("team_room", team_id=form.team.pk)
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
        username = request.POST.get("username", "")
        if ratelimit.is_blocked(ratelimit.LOGIN, request, username):
            return ratelimit.too_many(request, ratelimit.LOGIN)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        ratelimit.record_failure(ratelimit.LOGIN, self.request, self.request.POST.get("username", ""))
        return super().form_invalid(form)
