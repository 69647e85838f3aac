# Dates as Simplified Chinese writes them: as Traditional does ("2021年3月6日").
from hsitp_site.formats.zh_Hant.formats import *  # noqa: F403
