"""Inter-annotator agreement: pure statistics (no Qt, no database).

:mod:`.coefficients` holds chance-corrected coefficients over categorical or numeric ratings (Krippendorff's
alpha, Fleiss' and Cohen's kappa, observed agreement); :mod:`.spans` compares span annotations (entity F1,
token-level kappa, label confusion, event triggers and arguments). :mod:`annotator.services.agreement` reads a
project and feeds them.
"""

from annotator.agreement.coefficients import (
    Figure,
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha,
    mean_figure,
    observed_agreement,
)

__all__ = [
    "Figure",
    "cohen_kappa",
    "fleiss_kappa",
    "krippendorff_alpha",
    "mean_figure",
    "observed_agreement",
]
