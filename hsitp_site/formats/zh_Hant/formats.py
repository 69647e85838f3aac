# Dates as written in Traditional Chinese: Django's own, except the month and day without a
# leading zero ("3月6日", as in "2021年3月6日"), used in ranges within one year.
DATE_FORMAT = "Y年n月j日"
YEAR_MONTH_FORMAT = "Y年n月"
MONTH_DAY_FORMAT = "n月j日"
