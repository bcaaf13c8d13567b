#!/usr/bin/env python3
"""Differential cases for the OCMF verifier: randomised signed records judged by pyocmf.

Makes seeded, reproducible OCMF transactions (one record holding begin and end, or a begin and an
end record), varies what meters vary (curve, key and signature encoding, field spelling, spacing,
reading precision, optional fields), signs them with the `cryptography` package (secp192k1, which
it lacks, with `ecdsa`), tampers with some (payload, signature or key bytes) and writes one JSON
file with, per case, the records, the public key and pyocmf's findings: whether each signature is
valid, each reading's value in Wh after pyocmf's field inheritance, its Eichrecht errors for the
transaction (some cases carry a billing fault on purpose) and the energy between the begin and end
reading pyocmf selects. test/pyocmf/crosscheck.test.ts runs our verifier over the same cases.

Only what both verifiers are meant to accept is generated; pyocmf 0.6.0 differs by design or by
bug on the rest (see the README section "Cross-check against pyocmf").
"""

from __future__ import annotations

import argparse
import base64
import dataclasses
import decimal
import functools
import hashlib
import importlib.metadata
import json
import random
import sys
import time
import warnings
from typing import Any

import ecdsa
import ecdsa.util
import pyocmf
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from ecdsa.curves import Curve as EcdsaCurve
from ecdsa.ellipticcurve import CurveFp, PointJacobi
from pyocmf.compliance import transaction as pyocmf_transaction

DEFAULT_SEED = 20261204
# Also generate the cases on which we are known to disagree with pyocmf and have not yet fixed it.
DEFAULT_COUNT = 3000
KEYS_PER_CURVE = 4


# --- curves and keys ----------------------------------------------------------------------------


@functools.cache
def secp192k1() -> EcdsaCurve:
    """secp192k1 for the ecdsa package (SEC 2 version 2.0, section 2.2.1)."""
    p = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFEE37
    n = 0xFFFFFFFFFFFFFFFFFFFFFFFE26F2FC170F69466A74DEFD8D
    gx = 0xDB4FF10EC057E9AE26B07D0280B7F4341DA5D1B1EAE06C7D
    gy = 0x9B2F2F6D9C5628A7844163D015BE86344082AA88D95E2F9D
    generator = PointJacobi(CurveFp(p, 0, 3, 1), gx, gy, 1, n, generator=True)
    return EcdsaCurve("SECP192k1", generator.curve(), generator, (1, 3, 132, 0, 31))


@dataclasses.dataclass(frozen=True)
class CurveSpec:
    name: str
    """The SA spelling pyocmf accepts for this curve."""
    sa: str
    bits: int
    crypto: ec.EllipticCurve | None


CURVES = [
    CurveSpec("secp192r1", "ECDSA-secp192r1-SHA256", 192, ec.SECP192R1()),
    CurveSpec("secp192k1", "ECDSA-secp192k1-SHA256", 192, None),
    CurveSpec("secp256r1", "ECDSA-secp256r1-SHA256", 256, ec.SECP256R1()),
    CurveSpec("secp256k1", "ECDSA-secp256k1-SHA256", 256, ec.SECP256K1()),
    CurveSpec("secp384r1", "ECDSA-secp384r1-SHA256", 384, ec.SECP384R1()),
    # pyocmf matches the key's curve by the name `cryptography` reports, so only this spelling of SA
    # verifies there (OCMF's own "brainpool256r1" is refused as a curve mismatch).
    CurveSpec("brainpoolP256r1", "ECDSA-brainpoolP256r1-SHA256", 256, ec.BrainpoolP256R1()),
]


class MeterKey:
    """A meter's key pair: signs payload bytes with SHA-256, deterministically (RFC 6979)."""

    def __init__(self, curve: CurveSpec, secret: int) -> None:
        self.curve = curve
        if curve.crypto is None:
            self._ecdsa = ecdsa.SigningKey.from_secret_exponent(
                secret, curve=secp192k1(), hashfunc=hashlib.sha256
            )
            self.spki = self._ecdsa.get_verifying_key().to_der()
        else:
            self._crypto = ec.derive_private_key(secret, curve.crypto)
            self.spki = self._crypto.public_key().public_bytes(
                serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
            )

    def sign(self, payload: bytes) -> bytes:
        """The DER ECDSA-Sig-Value over payload."""
        if self.curve.crypto is None:
            return self._ecdsa.sign_deterministic(payload, sigencode=ecdsa.util.sigencode_der)
        algorithm = ec.ECDSA(hashes.SHA256(), deterministic_signing=True)
        return self._crypto.sign(payload, algorithm)


def make_keys(rng: random.Random) -> dict[str, list[MeterKey]]:
    # A secret below 2^(bits-1) is below the group order of every curve here.
    return {
        c.name: [MeterKey(c, rng.getrandbits(c.bits - 1) | 1) for _ in range(KEYS_PER_CURVE)] for c in CURVES
    }


# --- payloads ------------------------------------------------------------------------------------


class Writer:
    """Writes JSON with the spacing and spelling choices a case makes, value by value."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.space = rng.choice(["", "", " ", "\n", "\t", " \r\n "])

    def obj(self, fields: list[tuple[str, str]]) -> str:
        s = self.space
        inner = f",{s}".join(f"{json.dumps(k)}{s}:{s}{v}" for k, v in fields)
        return f"{{{s}{inner}{s}}}"

    def array(self, items: list[str]) -> str:
        return f"[{self.space}{f',{self.space}'.join(items)}{self.space}]"


def decimal_text(value: decimal.Decimal, places: int) -> str:
    return f"{value:.{places}f}"


def spell_number(rng: random.Random, text: str) -> str:
    """A JSON value for the decimal `text`: a number, an exponent form, or a (padded) string."""
    choice = rng.random()
    if choice < 0.5:
        return text
    if choice < 0.6 and "." in text:
        whole, fraction = text.split(".")
        digits = (whole + fraction).lstrip("0") or "0"
        return f"{digits}{rng.choice(['e', 'E'])}-{len(fraction)}"
    if choice < 0.85:
        return json.dumps(text)
    return json.dumps("0" * rng.randint(1, 8) + text)


def reading_values(rng: random.Random, count: int) -> list[decimal.Decimal]:
    """Non-decreasing meter values with random resolution (a few deliberately decreasing)."""
    scale = decimal.Decimal(10) ** -rng.randint(0, 9)
    value = decimal.Decimal(rng.randint(0, 10**9)) * scale
    values = [value]
    for _ in range(count - 1):
        step = decimal.Decimal(rng.choice([0, 0, rng.randint(1, 100), rng.randint(1, 10**7)]))
        value = value + step * scale
        values.append(value)
    if rng.random() < 0.08 and values[-1] > 0:
        values[-1] = values[0] - scale if values[0] > 0 else values[0]
    return values


@dataclasses.dataclass
class Transaction:
    """The readings of one charging transaction, before they are split into records."""

    unit: str
    register: str
    readings: list[dict[str, Any]]
    """The gateway and meter (GI, GS, GV, MV, MM, MS, MF): the same in every record of it."""
    identity: dict[str, str]
    """Whether the records name the gateway serial (all of them, or none)."""
    with_gs: bool
    """A billing fault made on purpose (or a harmless deviation), None for a clean transaction."""
    fault: str | None
    """Per record, an identification level (IL) to write instead of a random good one."""
    levels: list[str | None]


def make_transaction(rng: random.Random) -> Transaction:
    unit = rng.choice(["kWh", "Wh"])
    register = rng.choice(["1-b:1.8.0", "01-00:B2.08.00*FF", "1-0:1.8.0*255", "01-00:01.08.00"])
    middle = rng.choice([0, 0, 1, 2])
    codes = ["B", *(["C"] * middle), rng.choice(["E", "E", "L", "R"])]
    values = reading_values(rng, len(codes))
    start = 1_700_000_000 + rng.randint(0, 10**8)
    readings = []
    moment = start
    for code, value in zip(codes, values, strict=True):
        places = max(0, -value.as_tuple().exponent + rng.choice([0, 0, 0, 1, 3]))
        readings.append({"TX": code, "RV": decimal_text(value, places), "time": moment})
        moment += rng.randint(1, 5400)  # whole seconds: the random milliseconds never reverse time
    identity = {
        "GI": rng.choice(["KEBA_KCP30", "ABL SBC-301", "eBee Smart"]),
        "GS": f"GW{rng.randint(1, 9999):04d}",
        "GV": f"{rng.randint(1, 4)}.{rng.randint(0, 20)}",
        "MV": rng.choice(["Phoenix Contact", "Carlo Gavazzi", "Iskraemeco"]),
        "MM": f"EEM-{rng.randint(100, 999)}",
        "MS": f"{rng.getrandbits(40):010X}",
        "MF": f"{rng.randint(0, 9)}.{rng.randint(0, 99)}",
    }
    fault = rng.choice(BILLING_FAULTS) if rng.random() < 0.3 else None
    levels: list[str | None] = [None, None]
    apply_fault(rng, fault, readings, levels)
    return Transaction(unit, register, readings, identity, rng.random() < 0.7, fault, levels)


# Faults both verifiers refuse to bill (pyocmf's Eichrecht errors and our pairing rules agree on
# them), and two harmless deviations ("time-flag", "relative-both") that both bill.
BILLING_FAULTS = [
    "status",
    "error-flag",
    "time",
    "identification",
    "relative-begin",
    "relative-both",
    "time-flag",
]


def apply_fault(
    rng: random.Random, fault: str | None, readings: list[dict[str, Any]], levels: list[str | None]
) -> None:
    begin, end = readings[0], readings[-1]
    target = rng.choice([begin, end])
    if fault == "status":
        target["ST"] = rng.choice("NTDRMXIOSEF")
    elif fault == "error-flag":
        target["EF"] = rng.choice(["E", "Et", "tE"])
    elif fault == "time-flag":
        target["EF"] = "t"
    elif fault == "time":
        end["time"] = begin["time"] - rng.randint(1, 7200)
    elif fault == "identification":
        levels[rng.randrange(2)] = rng.choice(["MISMATCH", "INVALID", "OUTDATED", "UNKNOWN"])
    elif fault in ("relative-begin", "relative-both"):
        begin["status"] = "R"
        if fault == "relative-both":
            for reading in readings[1:]:
                reading["status"] = "R"


def ocmf_time(rng: random.Random, epoch: int, status: str) -> str:
    offset = rng.choice([0, 60, 120, -300])
    local = time.gmtime(epoch + offset * 60)
    sign = "+" if offset >= 0 else "-"
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", local)
    return f"{stamp},{rng.randint(0, 999):03d}{sign}{abs(offset) // 60:02d}{abs(offset) % 60:02d} {status}"


def reading_json(w: Writer, tx: Transaction, reading: dict[str, Any], first: bool, with_time: bool) -> str:
    rng = w.rng
    fields: list[tuple[str, str]] = []
    inherit = not first and rng.random() < 0.5
    if with_time:
        fields.append(("TM", json.dumps(ocmf_time(rng, reading["time"], reading.get("status", "S")))))
    fields.append(("TX", json.dumps(reading["TX"])))
    fields.append(("RV", spell_number(rng, reading["RV"])))
    if not inherit:
        fields.append(("RI", json.dumps(tx.register)))
        fields.append(("RU", json.dumps(tx.unit)))
        if rng.random() < 0.6:
            fields.append(("RT", json.dumps(rng.choice(["AC", "DC"]))))
        if "EF" not in reading and rng.random() < 0.5:
            fields.append(("EF", json.dumps("")))
        if "ST" not in reading:
            fields.append(("ST", json.dumps("G")))
    # A fault is written where it was made, also where the field would otherwise be inherited.
    fields.extend((key, json.dumps(reading[key])) for key in ("EF", "ST") if key in reading)
    if rng.random() < 0.3:
        rng.shuffle(fields)
    return w.obj(fields)


def payload_json(
    rng: random.Random, tx: Transaction, readings: list[dict[str, Any]], page: int, level: str | None
) -> str:
    w = Writer(rng)
    fields: list[tuple[str, str]] = []

    def maybe(key: str, value: str, p: float = 0.6) -> None:
        if rng.random() < p:
            fields.append((key, value))

    maybe("FV", rng.choice(['"1.0"', "1.0", '"0.4"', '"1.3"']))
    maybe("GI", json.dumps(tx.identity["GI"]))
    if tx.with_gs:
        fields.append(("GS", json.dumps(tx.identity["GS"])))
    maybe("GV", json.dumps(tx.identity["GV"]))
    fields.append(("PG", json.dumps(f"T{page}")))
    maybe("MV", json.dumps(tx.identity["MV"]))
    maybe("MM", json.dumps(tx.identity["MM"]))
    fields.append(("MS", json.dumps(tx.identity["MS"])))
    maybe("MF", json.dumps(tx.identity["MF"]))
    maybe("IS", rng.choice(["true", "false"]), 0.85)
    if level is not None:
        fields.append(("IL", json.dumps(level)))
    else:
        maybe("IL", json.dumps(rng.choice(["NONE", "HEARSAY", "TRUSTED", "VERIFIED", "SECURE"])))
    maybe("IF", w.array([json.dumps(f) for f in rng.sample(["RFID_PLAIN", "OCPP_AUTH", "ISO15118_NONE"], 2)]))
    maybe("IT", json.dumps(rng.choice(["NONE", "UNDEFINED", "LOCAL", "CENTRAL"])))
    maybe("ID", json.dumps(f"{rng.getrandbits(32):08X}"))
    maybe("TT", json.dumps(rng.choice(["", "0.39 EUR/kWh", "Tarif 1 – Grundpreis"])), 0.3)
    maybe("CT", json.dumps("EVSEID"), 0.3)
    maybe("CI", json.dumps(f"DE*ECR*E{rng.randint(1000, 9999)}*1"), 0.3)
    if rng.random() < 0.3:
        rng.shuffle(fields)
    rd = [
        reading_json(w, tx, r, first=i == 0, with_time=i == 0 or rng.random() < 0.8)
        for i, r in enumerate(readings)
    ]
    fields.append(("RD", w.array(rd)))
    return w.obj(fields)


# --- records and tampering -----------------------------------------------------------------------


def signature_json(rng: random.Random, key: MeterKey, der: bytes) -> str:
    fields: list[tuple[str, str]] = []
    if key.curve.name != "secp256r1" or rng.random() < 0.7:
        fields.append(("SA", json.dumps(key.curve.sa)))
    encoding = rng.choice(["hex", "hex", "base64", None])
    if encoding is not None:
        fields.append(("SE", json.dumps(encoding)))
    if rng.random() < 0.3:
        fields.append(("SM", json.dumps("application/x-der")))
    if encoding == "base64":
        sd = base64.b64encode(der).decode("ascii")
    else:
        sd = der.hex().upper() if rng.random() < 0.7 else der.hex()
    fields.append(("SD", json.dumps(sd)))
    if rng.random() < 0.3:
        rng.shuffle(fields)
    return Writer(rng).obj(fields)


def key_text(rng: random.Random, spki: bytes) -> str:
    return rng.choice([spki.hex().upper(), spki.hex(), base64.b64encode(spki).decode("ascii")])


def flip_bit(rng: random.Random, data: bytes, keep: range = range(0)) -> bytes:
    """Flips one bit of `data`, outside the byte positions `keep`."""
    i = rng.choice([p for p in range(len(data)) if p not in keep])
    return data[:i] + bytes([data[i] ^ (1 << rng.randrange(8))]) + data[i + 1 :]


def tamper_payload(rng: random.Random, payload: str) -> str:
    """Changes one character: a digit of a value or time, or any character (never to '|')."""
    digits = [i for i, c in enumerate(payload) if c.isdigit()]
    if digits and rng.random() < 0.6:
        i = rng.choice(digits)
        replacement = rng.choice([d for d in "0123456789" if d != payload[i]])
    else:
        i = rng.randrange(len(payload))
        replacement = rng.choice([c for c in 'ABCXYZabcxyz019{}[],:" ' if c != payload[i]])
    return payload[:i] + replacement + payload[i + 1 :]


def level_of(tx: Transaction, record: int, single: bool) -> str | None:
    """The identification level forced on a record; one record carries the levels of both."""
    return (tx.levels[0] or tx.levels[1]) if single else tx.levels[record]


TAMPERINGS = ["payload", "signature-bit", "signature-truncated", "key-bit", "key-other", "key-curve"]


@dataclasses.dataclass
class Case:
    id: int
    description: str
    records: list[str]
    public_key: str
    tampered: str | None


def make_case(rng: random.Random, keys: dict[str, list[MeterKey]], case_id: int) -> Case:
    curve = rng.choice(CURVES)
    key = rng.choice(keys[curve.name])
    tx = make_transaction(rng)
    page = rng.randint(1, 99999)
    single = rng.random() < 0.5
    groups = [tx.readings] if single else [tx.readings[:1], tx.readings[1:]]
    tampered = rng.choice(TAMPERINGS) if rng.random() < 0.4 else None
    victim = rng.randrange(len(groups))
    records = []
    for n, readings in enumerate(groups):
        payload = payload_json(rng, tx, readings, page + n, level_of(tx, n, single))
        der = key.sign(payload.encode("utf-8"))
        if n == victim and tampered == "payload":
            payload = tamper_payload(rng, payload)
        elif n == victim and tampered == "signature-bit":
            der = flip_bit(rng, der)
        elif n == victim and tampered == "signature-truncated":
            der = der[: rng.randrange(len(der))] or der[:1]
        records.append(f"OCMF|{payload}|{signature_json(rng, key, der)}")
    spki = key.spki
    if tampered == "key-bit":
        # pyocmf reads secp192k1 keys with `ecdsa` and never looks at their algorithm OID (bytes 4 to
        # 12, id-ecPublicKey): it accepts any OID there, we refuse. Not flipped, see the README.
        spki = flip_bit(rng, spki, range(4, 13) if curve.name == "secp192k1" else range(0))
    elif tampered == "key-other":
        spki = next(k for k in keys[curve.name] if k is not key).spki
    elif tampered == "key-curve":
        spki = rng.choice([ks[0] for name, ks in keys.items() if name != curve.name]).spki
    shape = "one record" if single else "begin and end records"
    description = (
        f"{curve.name}, {shape}, {len(tx.readings)} readings in {tx.unit}"
        + (f", billing fault: {tx.fault}" if tx.fault else "")
        + (f", tampered: {tampered} (record {victim})" if tampered else "")
    )
    return Case(case_id, description, records, key_text(rng, spki), tampered)


# --- pyocmf's findings ---------------------------------------------------------------------------


def plain(value: decimal.Decimal) -> str:
    """A decimal without exponent and without trailing fraction zeros ("0.1", "-12", "1709.5393")."""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def wh(reading: Any) -> str | None:
    """A reading's value in Wh as pyocmf parsed it (its exact Decimal), for kWh and Wh readings."""
    if reading.RV is None or str(reading.RU) not in ("kWh", "Wh"):
        return None
    factor = decimal.Decimal(1000) if str(reading.RU) == "kWh" else decimal.Decimal(1)
    with decimal.localcontext() as ctx:
        ctx.prec = 200
        return plain(reading.RV * factor)


def judge(case: Case) -> dict[str, Any]:
    """pyocmf's findings: signature verdicts, reading values, Eichrecht errors, energy."""
    parsed = []
    verdicts = []
    for record in case.records:
        try:
            ocmf = pyocmf.OCMF.from_string(record)
            valid = ocmf.verify_signature(case.public_key)
            verdicts.append({"valid": bool(valid)})
            parsed.append(ocmf)
        except pyocmf.PyOCMFError as error:
            verdicts.append({"valid": False, "error": f"{type(error).__name__}: {error}"[:300]})
            parsed.append(None)
    findings: dict[str, Any] = {"signatures": verdicts}
    if all(p is not None for p in parsed):
        findings["readings"] = [
            [{"TX": None if r.TX is None else str(r.TX), "wh": wh(r)} for r in p.payload.RD] for p in parsed
        ]
        begin_record, *end_record = parsed
        issues = begin_record.check_eichrecht(*end_record, errors_only=True)
        findings["billingErrors"] = sorted({str(issue.code) for issue in issues})
        readings = [r for p in parsed for r in p.payload.RD]
        begin, end, selection_issues = pyocmf_transaction._select_transaction_readings(readings)
        if begin is not None and end is not None and not selection_issues:
            begin_wh, end_wh = wh(begin), wh(end)
            if begin_wh is not None and end_wh is not None:
                with decimal.localcontext() as ctx:
                    ctx.prec = 200
                    findings["energyWh"] = plain(decimal.Decimal(end_wh) - decimal.Decimal(begin_wh))
    return findings


# --- main ----------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", default=str(DEFAULT_SEED), help="integer, or 'random'")
    parser.add_argument("--count", type=int, default=DEFAULT_COUNT, help="number of cases")
    parser.add_argument("--out", required=True, help="JSON file to write")
    args = parser.parse_args()
    seed = random.SystemRandom().getrandbits(32) if args.seed == "random" else int(args.seed)
    print(f"pyocmf cross-check: seed {seed}, {args.count} cases", file=sys.stderr)
    rng = random.Random(seed)
    keys = make_keys(rng)
    started = time.monotonic()
    cases = []
    with warnings.catch_warnings():
        # pyocmf reports spec deviations as warnings; the verdicts are what is compared
        warnings.simplefilter("ignore")
        for i in range(args.count):
            case = make_case(rng, keys, i)
            cases.append({**dataclasses.asdict(case), "pyocmf": judge(case)})
            if (i + 1) % 1000 == 0:
                print(f"  {i + 1} cases ({time.monotonic() - started:.1f} s)", file=sys.stderr)
    document = {
        "seed": seed,
        "pyocmf": importlib.metadata.version("pyocmf"),
        "cryptography": importlib.metadata.version("cryptography"),
        "cases": cases,
    }
    with open(args.out, "w", encoding="utf-8") as out:
        json.dump(document, out, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
