"""Risk level from screening answers."""

from __future__ import annotations

import pytest

from webhooks.models import RiskLevel
from webhooks.services.screening import risk_from_answers


@pytest.mark.parametrize(
    ("answers", "risk"),
    [
        ({}, RiskLevel.NONE),
        ({"can_leave": "skipped"}, RiskLevel.NONE),
        ({"can_leave": "yes", "id_taken": "no"}, RiskLevel.LOW),
        ({"id_taken": "yes"}, RiskLevel.ELEVATED),
        ({"id_taken": "yes", "owes_debt": "yes"}, RiskLevel.ELEVATED),
        ({"id_taken": "yes", "owes_debt": "yes", "pay_withheld": "yes"}, RiskLevel.HIGH),
        ({"can_leave": "no"}, RiskLevel.HIGH),
        ({"threatened": "yes"}, RiskLevel.HIGH),
        ({"under_18": "yes"}, RiskLevel.HIGH),
    ],
)
def test_risk_from_answers(answers, risk):
    assert risk_from_answers(answers) is risk
