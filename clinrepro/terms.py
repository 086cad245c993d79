"""Controlled terminology and the words the workflow uses for people.

Plain data, no heavy imports: every stage may use it.
"""

from __future__ import annotations

# Controlled terminology. Prior-treatment codes are those of Table 1's legend.
SEXES = {"F": "female", "M": "male"}
ANTIBODIES = {
    "TIF1G": "anti-TIF1-gamma",
    "SAE": "anti-SAE",
    "MDA5": "anti-MDA5",
    "NXP2": "anti-NXP2",
    "MI2": "anti-Mi-2",
    "SERONEG": "seronegative",
}
MOLECULES = ("ruxolitinib", "baricitinib", "tofacitinib", "upadacitinib")
PRIOR_TREATMENTS = {
    "CS": "corticosteroids",
    "HCQ": "hydroxychloroquine",
    "PLEX": "plasma exchange",
    "MTX": "methotrexate",
    "AZA": "azathioprine",
    "IVIg": "intravenous immune globulin",
    "MMF": "mycophenolate mofetil",
    "RTX": "rituximab",
    "CYC": "cyclophosphamide",
    "TAC": "tacrolimus",
    "Cic": "cyclosporine",
}
POPULATION_FLAGS = {
    "SAFFL": "treated patients",
    "ACTCUTFL": "patients with active cutaneous disease at baseline",
    "ACTMUSFL": "patients with active muscle disease at baseline",
    "ACTBOTFL": "patients with active cutaneous and active muscle disease at baseline",
}
SYMBOLS = {">=": "≥", "<=": "≤", "<": "<", ">": ">"}
TEST_NAMES = {
    "paired_t": "paired t-test",
    "wilcoxon_signed_rank": "Wilcoxon signed-rank test",
    "clopper_pearson": "exact (Clopper-Pearson) CI",
}


def population_words(flag: str) -> str:
    return f"{POPULATION_FLAGS[flag]} ({flag})"


def shown(text: str) -> str:
    """Text for people: comparison signs as printed."""
    return text.replace(">=", "≥").replace("<=", "≤")
