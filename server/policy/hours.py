"""Business hours of the human support desk, in the shop's time zone."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEKDAYS = "一二三四五六日"


@dataclass(frozen=True)
class BusinessHours:
    opens: time
    closes: time
    days: frozenset[int]  # ISO weekdays, 1 = Monday
    tz: ZoneInfo

    @classmethod
    def parse(cls, hours: str, days: str, tz: str) -> "BusinessHours":
        """hours "09:00-21:00" (closing past midnight allowed, "00:00-24:00" = all day);
        days "1-5" or "1,3,5"; tz an IANA name. Bad settings stop the server with a clear message."""
        match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*", hours)
        if not match or int(match[1]) > 23 or int(match[2]) > 59 or int(match[3]) > 24 or int(match[4]) > 59:
            raise SystemExit(f"CHAT_SUPPORT_HOURS must look like 09:00-21:00, got {hours!r}")
        closes = time.max if match[3] == "24" else time(int(match[3]), int(match[4]))
        wanted: set[int] = set()
        for part in days.split(","):
            bounds = part.strip().split("-")
            if not all(b.strip().isdigit() for b in bounds) or len(bounds) > 2:
                raise SystemExit(f"CHAT_SUPPORT_DAYS must look like 1-5 or 1,3,5, got {days!r}")
            low, high = int(bounds[0]), int(bounds[-1])
            if not 1 <= low <= high <= 7:
                raise SystemExit(f"CHAT_SUPPORT_DAYS must use 1 (Monday) to 7 (Sunday), got {days!r}")
            wanted.update(range(low, high + 1))
        try:
            zone = ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise SystemExit(f"CHAT_SUPPORT_TZ must be a time zone name such as Asia/Shanghai, got {tz!r}") from None
        return cls(time(int(match[1]), int(match[2])), closes, frozenset(wanted), zone)

    def is_open(self, now: datetime) -> bool:
        local = now.astimezone(self.tz)
        clock = local.time().replace(tzinfo=None)
        if self.opens <= self.closes:
            return local.isoweekday() in self.days and self.opens <= clock < self.closes
        # past midnight: the late part belongs to the previous day's shift
        if clock >= self.opens:
            return local.isoweekday() in self.days
        yesterday = (local.isoweekday() - 2) % 7 + 1
        return clock < self.closes and yesterday in self.days

    def describe(self) -> str:
        days = sorted(self.days)
        if days == list(range(1, 8)):
            which = "每天"
        elif days == list(range(days[0], days[-1] + 1)):
            which = f"周{WEEKDAYS[days[0] - 1]}至周{WEEKDAYS[days[-1] - 1]}"
        else:
            which = "、".join(f"周{WEEKDAYS[d - 1]}" for d in days)
        closes = "24:00" if self.closes == time.max else self.closes.strftime("%H:%M")
        return f"{which} {self.opens.strftime('%H:%M')}–{closes}"
