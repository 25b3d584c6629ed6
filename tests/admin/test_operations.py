"""Admin: operating hours, closures, the after-hours text in every language."""

from __future__ import annotations

from datetime import time, timedelta

from webhooks.i18n import supported_languages
from webhooks.models.base import utcnow
from webhooks.services import hours


def test_admin_sets_hours_closures_and_the_national_line(app, signed_in):
    admin = signed_in("admin")
    response = admin.post(
        "/admin/hours", {"time_zone": "Europe/Paris", "day0": "09:00-17:00", "day5": ""}
    )
    assert response.status_code == 302
    bad = admin.post("/admin/hours", {"time_zone": "Mars/Olympus", "day0": "10:00-11:00"})
    assert bad.status_code == 302
    tomorrow = (utcnow() + timedelta(days=1)).date().isoformat()
    admin.post("/admin/hours/closures", {"day": tomorrow, "label": "holiday"})
    page = admin.get("/admin/hours").get_data(as_text=True)
    assert 'value="09:00-17:00"' in page and "Europe/Paris" in page
    assert "not a time zone" in page  # the refused save said why, and changed nothing
    assert tomorrow in page
    with app.app_context():
        plan = hours.schedule()
        assert plan.openings == {0: [(time(9), time(17))]}
        assert str(plan.zone) == "Europe/Paris"
    # The after-hours texts in every language, from the catalogs: the question, then the reply.
    assert page.count('<tr data-language="') == len(supported_languages())
    assert page.count('class="offer"') == len(supported_languages())
    assert "Do you want a person to write to you" in page and "Responde SÍ o NO" in page
    assert signed_in("supervisor").get("/admin/hours").status_code == 403
