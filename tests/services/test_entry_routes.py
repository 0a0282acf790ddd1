"""Entry routes and the planner's ordering by stage."""

from __future__ import annotations

import pytest

from portal.services import entry_routes as svc
from portal.services.service_areas import get_service_area


def test_routes_are_ordered_from_first_step_to_most_senior(db_session):
    levels = [route.level or 0 for route in svc.all_entry_routes()]
    assert levels == sorted(levels)


@pytest.mark.parametrize("stage", svc.STAGES)
def test_a_plan_only_holds_routes_for_that_stage_best_fit_first(db_session, stage):
    area = get_service_area("audiology")
    plan = svc.plan_for_stage(area, stage)
    fits = [item.fit for item in plan]
    assert fits == sorted(fits)
    for item in plan:
        assert svc.stage_advice(item.route, stage)["next_step"] == item.next_step
        assert item.area_note


def test_a_graduate_is_pointed_at_scientist_training_for_audiology(db_session):
    plan = svc.plan_for_stage(get_service_area("audiology"), "graduate")
    assert "scientist-training-programme" in [item.route.slug for item in plan]
    assert plan[0].fit == 1
