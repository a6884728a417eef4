"""The newsroom's one way of writing a date and time in the admin: "7 Dec 2026, 18:32",
always in the outlet's time zone (TIME_ZONE; Django converts before formatting). Django's
own admin pages, list columns and read-only fields use these names, and so does every
template and `date_format()` call of ours ("DATETIME_FORMAT", never a pattern of its own),
so the admin shows one format. FORMAT_MODULE_PATH in settings points here (core/formats);
formats not named here (input formats, month names) stay Django's English ones."""

DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "j M Y"
TIME_FORMAT = "H:i"
# A day without its year, where the year is plain from the context (a chart's day axis).
MONTH_DAY_FORMAT = "j M"
