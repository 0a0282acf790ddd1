"""The fit review: from school, the first way in suggested is somewhere a student can really begin."""

from __future__ import annotations

import pytest

from portal.services import entry_routes as svc
from portal.services.service_areas import all_service_areas

YOUNG_STAGES = ("ks3", "gcse", "post16")
SUPPORT_ROLE = "support-role-in-service-training"


@pytest.mark.parametrize("stage", YOUNG_STAGES)
def test_no_profile_starts_a_school_student_in_a_support_role_without_saying_why(db_session, stage):
    unexplained = []
    for area in all_service_areas():
        plan = svc.plan_for_stage(area, stage)
        if plan and plan[0].route.slug == SUPPORT_ROLE and not plan[0].fit_reason:
            unexplained.append(area.slug)
    assert unexplained == []


def test_a_support_role_first_from_school_carries_its_reason(db_session):
    firsts = [
        plan[0]
        for area in all_service_areas()
        for stage in YOUNG_STAGES
        if (plan := svc.plan_for_stage(area, stage))
    ]
    support_firsts = [item for item in firsts if item.route.slug == SUPPORT_ROLE]
    for item in support_firsts:
        assert len(item.fit_reason) >= 20
    # Most profiles offer a school student something else first.
    assert len(support_firsts) < len(firsts) // 10


@pytest.mark.parametrize("stage", YOUNG_STAGES)
def test_the_best_route_from_school_is_a_direct_first_step(db_session, stage):
    best = svc.routes_for_stage(stage)[0]
    assert best.fit == 1
    assert best.route.kind in {"experience", "school-qualification", "apprenticeship", "degree"}
    assert best.route.slug != SUPPORT_ROLE


@pytest.mark.parametrize("stage", svc.STAGES)
def test_routes_for_a_stage_are_best_fit_first_then_earliest_step(db_session, stage):
    found = svc.routes_for_stage(stage)
    assert found
    assert [item.fit for item in found] == sorted(item.fit for item in found)
    for fit in {item.fit for item in found}:
        levels = [item.route.level or 0 for item in found if item.fit == fit]
        assert levels == sorted(levels)
    for item in found:
        advice = svc.stage_advice(item.route, stage)
        assert (item.fit, item.next_step) == (advice["fit"], advice["next_step"])


def test_a_route_not_open_at_a_stage_is_left_out(db_session):
    slugs = {item.route.slug for item in svc.routes_for_stage("ks3")}
    assert "higher-specialist-scientist-training" not in slugs
    assert "work-experience" in slugs


def test_the_planner_carries_a_routes_reason_for_its_place(db_session):
    area = next(a for a in all_service_areas() if a.slug == "clinical-embryology")
    plan = svc.plan_for_stage(area, "post16")
    assert plan[0].route.slug == SUPPORT_ROLE
    assert "support job is the honest first step" in plan[0].fit_reason
