"""Pure analytics: functions of price series and an as-of date. No I/O, no clock, no Slack."""
