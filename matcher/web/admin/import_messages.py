"""Import errors in Danish for the screens; the importers (and the CLI) keep their English messages."""

from __future__ import annotations

import re
from dataclasses import dataclass

from matcher.catalogue.errors import RecordError

# (pattern over the English message, Danish replacement); the first match wins.
MESSAGES: list[tuple[re.Pattern[str], str]] = [(re.compile(p), d) for p, d in [
    (r"^is required \(every offer belongs to an organisation\)$", "mangler (hvert tilbud hører til en organisation)"),
    (r"^is required$", "mangler"),
    (r"^must be text, got (.+)$", r"skal være tekst (fik \1)"),
    (r"^is longer than (\d+) characters$", r"er længere end \1 tegn"),
    (r"^must be a whole number, got (.+)$", r"skal være et helt tal (fik \1)"),
    (r"^must be between (\S+) and (\S+) DKK, got (.+)$", r"skal ligge mellem \1 og \2 kr. (fik \3)"),
    (r"^must be between (\S+) and (\S+), got (.+)$", r"skal ligge mellem \1 og \2 (fik \3)"),
    (r"^must be an object, got (.+)$", r"skal være et objekt (fik \1)"),
    (r"^must be a list, got (.+)$", r"skal være en liste (fik \1)"),
    (r"^must be one of (.+), got (.+)$", r"skal være en af \1 (fik \2)"),
    (r"^minimum_age (\S+) is greater than maximum_age (\S+)$", r"minimumsalderen \1 er større end maksimumsalderen \2"),
    (r"^age_min (\S+) is greater than age_max (\S+)$", r"alder fra \1 er større end alder til \2"),
    (r"^unknown term (.+) in taxonomy (.+)$", r"ukendt term \1 i taksonomien \2"),
    (r"^must be a date \(YYYY-MM-DD\), got (.+)$", r"skal være en dato (ÅÅÅÅ-MM-DD) (fik \1)"),
    (r"^must be a 4-digit Danish postcode, got (.+)$", r"skal være et dansk postnummer med 4 cifre (fik \1)"),
    (r"^must be a time \(HH:MM:SS\), got (.+)$", r"skal være et klokkeslæt (TT:MM:SS) (fik \1)"),
    (r"^unknown weekday (.+) \(use MO,TU,WE,TH,FR,SA,SU\)$", r"ukendt ugedag \1 (brug MO,TU,WE,TH,FR,SA,SU)"),
    (r"^unknown weekday\(s\) (.+) \(use mon;tue;wed;thu;fri;sat;sun\)$",
     r"ukendte ugedage \1 (brug mon;tue;wed;thu;fri;sat;sun)"),
    (r"^must be a number, got (.+)$", r"skal være et tal (fik \1)"),
    (r"^has neither code nor name$", "har hverken kode eller navn"),
    (r"^code or name is too long \(80/120 characters\)$", "koden eller navnet er for langt (80/120 tegn)"),
    (r"^must be female, male, other or unknown, got (.+)$", r"skal være female, male, other eller unknown (fik \1)"),
    (r"^latitude/longitude must both be numbers, got (.+)$", r"bredde- og længdegrad skal begge være tal (fik \1)"),
    (r"^coordinates (.+) lie outside Denmark$", r"koordinaterne \1 ligger uden for Danmark"),
    (r"^contains a control character \((.+)\)$", r"indeholder et kontroltegn (\1)"),
    (r"^contains an invalid character \(a lone UTF-16 surrogate\)$", "indeholder et ugyldigt tegn"),
    (r"^duplicates line (\d+)$", r"gentager linje \1"),
    (r"^duplicates service\[(\d+)\]$", r"gentager tilbud nr. \1"),
    (r"^expected (\d+) columns$", r"forventede \1 kolonner"),
    (r"^not UTF-8 text: .*$", "er ikke UTF-8-tekst – gem filen som CSV UTF-8"),
    (r"^the file is empty$", "filen er tom"),
    (r"^not valid JSON: (.*)$", r"er ikke gyldig JSON (\1)"),
    (r"^expected a list of HSDS services$", "skal være en liste af HSDS-services"),
    (r"^expected (\S+); missing (.*), unexpected (.*)$", r"forventede kolonnerne \1; mangler \2, ukendte \3"),
    (r"^is not UTF-8 text \(byte (\d+).*\)$", r"er ikke UTF-8-tekst (byte \1)"),
    (r"^is not valid JSON: (.*)$", r"er ikke gyldig JSON (\1)"),
    (r"^(.+) is not a JSON number \(only finite numbers are allowed\)$",
     r"\1 er ikke et JSON-tal (kun endelige tal er tilladt)"),
    (r"^the number (.+) is too large \(not a finite number\)$", r"tallet \1 er for stort (ikke et endeligt tal)"),
    (r"^is nested deeper than (\d+) levels$", r"er indlejret dybere end \1 niveauer"),
]]
POSITION = re.compile(r"\s*\(line (\d+), column (\d+)\)$")
RECORDS: list[tuple[re.Pattern[str], str]] = [(re.compile(p), d) for p, d in [
    (r"^line (\d+)", r"linje \1"), (r"^service\[(\d+)\]", r"tilbud nr. \1"), (r"^file$", "filen"),
    (r"^header$", "kolonneoverskrifterne"), (r"^document$", "dokumentet"),
]]


@dataclass(frozen=True)
class DanishError:
    """One import error as the screens show it."""

    record: str
    field: str
    message: str


def danish(error: RecordError) -> DanishError:
    """Return ``error`` with its record and message in Danish (messages already in Danish pass through)."""
    message, record = error.message, error.record
    where = POSITION.search(message)
    if where:
        message = message[:where.start()]
    for pattern, replacement in MESSAGES:
        if pattern.match(message):
            message = pattern.sub(replacement, message)
            break
    if where:
        message += f" (linje {where.group(1)}, kolonne {where.group(2)})"
    for pattern, replacement in RECORDS:
        record = pattern.sub(replacement, record)
    return DanishError(record, error.field, message)
