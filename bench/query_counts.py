"""Queries per page for a small and a big exercise, in-process with Django's test client.

Run by bench/run.py against the benchmark database:
    python bench/query_counts.py SMALL_EXERCISE_ID BIG_EXERCISE_ID
Prints one JSON object: {page: {"small": n, "big": n}}.
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tabletop.settings")


def main(small_id: int, big_id: int) -> dict:
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from exercises import live
    from exercises.models import Exercise

    counts: dict[str, dict[str, int]] = {}
    for label, exercise_id in (("small", small_id), ("big", big_id)):
        exercise = Exercise.objects.get(pk=exercise_id)
        facilitator = Client()
        facilitator.force_login(exercise.facilitator)
        player = Client()
        team = exercise.teams.order_by("pk").first()
        player.post("/join/", {"code": team.join_code, "display_name": f"Counter {label}"})
        pages = {
            "console page": (facilitator, f"/exercises/{exercise_id}/"),
            "console poll (changed)": (facilitator, f"/exercises/{exercise_id}/poll/?rev=0"),
            "projector poll (changed)": (facilitator, f"/exercises/{exercise_id}/projector/poll/?rev=0"),
            "team room": (player, f"/play/{team.pk}/"),
            "team room (built)": (player, f"/play/{team.pk}/"),
            "team poll (changed)": (player, f"/play/{team.pk}/poll/?rev=0"),
        }
        pages["team poll (teammate's render)"] = pages["team poll (changed)"]
        for name, (client, path) in pages.items():
            client.get(path)  # warm: sessions, presence writes, caches
            if name == "team room (built)":
                # Otherwise it is the kept page (the row above): its shell is dropped, so it is built.
                cache.delete(live.pages._shell_key(exercise_id, team.pk))
            if name == "team poll (changed)":
                # Otherwise it is served from the render a teammate's poll left (the next row).
                cache.delete(live.fragments._team_fragment_key(exercise_id, team.pk))
            with CaptureQueriesContext(connection) as ctx:
                status = client.get(path).status_code
            counts.setdefault(name, {})[label] = len(ctx.captured_queries)
            counts[name][f"{label}_status"] = status
    return counts


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]), int(sys.argv[2]))))
