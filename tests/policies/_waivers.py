"""A waiver for the resource named `data`, valid from any test date (a month ahead)."""

import datetime

WAIVER = {"resource": "urn:pulumi:test::perimeter::*::data", "reason": "migration tracked in SEC-1234, reviewed by security",
          "approver": "ciso@example.com", "expires": (datetime.date.today() + datetime.timedelta(days=30)).isoformat()}
