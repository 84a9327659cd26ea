"""smallcaps: the rotation between small and large US stocks, answered in Slack."""
