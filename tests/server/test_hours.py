"""Business hours: parsing, the time zone, and shifts past midnight."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from server.policy.hours import BusinessHours


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def test_open_in_the_shops_time_zone():
    hours = BusinessHours.parse("09:00-21:00", "1-5", "Asia/Shanghai")
    assert hours.is_open(utc(2026, 11, 23, 1, 0))        # Monday 09:00 in Shanghai
    assert not hours.is_open(utc(2026, 11, 23, 0, 59))    # 08:59
    assert not hours.is_open(utc(2026, 11, 23, 13, 0))    # 21:00 is closed
    assert not hours.is_open(utc(2026, 11, 28, 4, 0))     # Saturday noon
    assert hours.describe() == "周一至周五 09:00–21:00"


def test_a_shift_past_midnight_belongs_to_the_day_it_started():
    hours = BusinessHours.parse("20:00-02:00", "5", "UTC")
    assert hours.is_open(utc(2026, 11, 27, 23, 0))   # Friday 23:00
    assert hours.is_open(utc(2026, 11, 28, 1, 0))    # Saturday 01:00, Friday's shift
    assert not hours.is_open(utc(2026, 11, 29, 1, 0))
    assert BusinessHours.parse("00:00-24:00", "1-7", "UTC").is_open(utc(2026, 1, 1, 23, 59))


@pytest.mark.parametrize("hours,days,tz", [("9-21", "1-7", "UTC"), ("25:00-26:00", "1-7", "UTC"),
                                           ("09:00-21:00", "0-8", "UTC"), ("09:00-21:00", "mon", "UTC"),
                                           ("09:00-21:00", "1-7", "Mars/Base")])
def test_bad_settings_stop_the_server_with_a_reason(hours, days, tz):
    with pytest.raises(SystemExit) as stopped:
        BusinessHours.parse(hours, days, tz)
    assert "CHAT_SUPPORT" in str(stopped.value)
