"""DfE ethnicity codes and their descriptions, so pages say "Bangladeshi", not "ABAN" (issue 23).

Source: Department for Education, "Complete the school census: find a school census code (applicable from August
2024)", ethnicity codes, the DfE main codes (gov.uk/guidance/complete-the-school-census). Schools may send the
approved extended codes instead; each is shown as the description of the main code it belongs to where it is listed
below, else as the code itself."""

from __future__ import annotations

# DfE main code -> description (main category, then sub-category, as the census lists them).
ETHNICITY: dict[str, str] = {
    "WBRI": "White – British",
    "WIRI": "White – Irish",
    "WIRT": "White – Traveller of Irish heritage",
    "WROM": "White – Gypsy or Roma",
    "WOTH": "White – any other White background",
    "MWBC": "Mixed – White and Black Caribbean",
    "MWBA": "Mixed – White and Black African",
    "MWAS": "Mixed – White and Asian",
    "MOTH": "Mixed – any other mixed background",
    "AIND": "Asian – Indian",
    "APKN": "Asian – Pakistani",
    "ABAN": "Asian – Bangladeshi",
    "CHNE": "Chinese",
    "AOTH": "Asian – any other Asian background",
    "BCRB": "Black – Caribbean",
    "BAFR": "Black – African",
    "BOTH": "Black – any other Black background",
    "OOTH": "Any other ethnic group",
    "REFU": "Refused",
    "NOBT": "Information not yet obtained",
}

# A few common extended codes -> their main code (the same census table).
EXTENDED: dict[str, str] = {
    "WCOR": "WBRI", "WENG": "WBRI", "WNIR": "WBRI", "WSCO": "WBRI", "WWEL": "WBRI", "WOWB": "WBRI",
    "WROG": "WROM", "WROR": "WROM", "WROO": "WROM",
    "WALB": "WOTH", "WBOS": "WOTH", "WCRO": "WOTH", "WGRE": "WOTH", "WGRK": "WOTH", "WGRC": "WOTH",
    "WITA": "WOTH", "WKOS": "WOTH", "WPOR": "WOTH", "WSER": "WOTH", "WTUR": "WOTH", "WTUK": "WOTH",
    "WTUC": "WOTH", "WEUR": "WOTH", "WEEU": "WOTH", "WWEU": "WOTH", "WOTW": "WOTH",
}  # fmt: skip


def ethnicity_label(code: str | None) -> str:
    """The DfE description of an ethnicity code; "Not recorded" for none; an unknown code as it is."""
    code = (code or "").strip().upper()
    if not code:
        return "Not recorded"
    return ETHNICITY.get(code) or ETHNICITY.get(EXTENDED.get(code, ""), code)
