#!/usr/bin/python3
"""Writes the pytorch_model.bin fixtures of tests/engine/torch_checkpoint_test.cpp.

  /usr/bin/python3 tools/reference/make_torch_checkpoints.py [OUT_DIR]   (default tests/fixtures/torch)

Needs Debian's python3-torch (apt-get install python3-torch) to run; the test does not: it reads
the committed files. Every file is a few KB.

  state_dict.bin      torch.save of a tiny module's state_dict (an OrderedDict with _metadata set by
                      BUILD, a T5-like tied embedding: three keys, one storage) plus one tensor of
                      every dtype Hyv maps, a contiguous slice sharing a storage at an offset, a
                      Parameter, a scalar and a zero-size tensor
  checkpoint.bin      {"epoch": 3, "lr": 0.5, "note": None, "state_dict": {...}}: a training checkpoint
  protocol4.bin       a state dict saved with pickle_protocol=4 (FRAME, MEMOIZE, STACK_GLOBAL)
  zip64.bin           state_dict.bin's entries rewritten with zip64 records and extra fields
  expected.json       per file, every tensor's dtype, shape, file_offset (computed here from the
                      zip's local headers) and raw little-endian bytes as hex
  noncontiguous.bin   a transposed tensor (strides (1, 3)): refused
  legacy.bin          _use_new_zipfile_serialization=False (the pre-1.6 format): refused
  hostile.bin         a zip whose data.pkl does GLOBAL 'os system' + REDUCE: refused
  compressed.bin      state_dict.bin's entries deflated: refused
  big_endian.bin      a state dict with byteorder "big": refused
"""
import collections
import json
import os
import struct
import sys
import zipfile
import zlib

import torch

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(__file__), "..", "..", "tests", "fixtures", "torch")

DTYPES = {
    torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.float64: "F64",
    torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8",
    torch.uint8: "U8", torch.bool: "BOOL",
}


class TinyT5(torch.nn.Module):
    """T5 ties shared.weight, encoder.embed_tokens.weight and decoder.embed_tokens.weight."""

    def __init__(self):
        super().__init__()
        self.shared = torch.nn.Embedding(5, 4)
        self.encoder = torch.nn.Module()
        self.encoder.embed_tokens = self.shared
        self.decoder = torch.nn.Module()
        self.decoder.embed_tokens = self.shared
        self.lm_head = torch.nn.Linear(4, 3)


def state_dict():
    torch.manual_seed(0)
    sd = TinyT5().state_dict()  # OrderedDict; its _metadata is pickled through BUILD
    t = torch.arange(12.0).reshape(3, 4)
    sd["slice.full"] = t
    sd["slice.rows"] = t[1:]  # same storage, storage_offset 4, contiguous
    sd["dtype.f16"] = torch.tensor([1.5, -2.0, 65504.0, 6.1e-5], dtype=torch.float16)
    sd["dtype.bf16"] = torch.tensor([1.0, 3.140625, -0.5], dtype=torch.bfloat16)
    sd["dtype.f64"] = torch.tensor([0.1, -1e300], dtype=torch.float64)
    sd["dtype.i64"] = torch.tensor([1, -2, 2**40], dtype=torch.int64)
    sd["dtype.i32"] = torch.tensor([[7, -8]], dtype=torch.int32)
    sd["dtype.i16"] = torch.tensor([-300, 300], dtype=torch.int16)
    sd["dtype.i8"] = torch.tensor([-128, 127], dtype=torch.int8)
    sd["dtype.u8"] = torch.tensor([0, 255], dtype=torch.uint8)
    sd["dtype.bool"] = torch.tensor([True, False, True])
    sd["param"] = torch.nn.Parameter(torch.tensor([[0.25, -0.75]]))  # _rebuild_parameter
    sd["scalar"] = torch.tensor(7.0)  # shape []
    sd["empty"] = torch.zeros(0, 3)  # zero elements
    return sd


def checkpoint():
    sd = collections.OrderedDict()
    sd["w"] = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    sd["b"] = torch.tensor([0.5, -0.5], dtype=torch.float16)
    return {"epoch": 3, "lr": 0.5, "note": None, "state_dict": sd}


def local_data_offsets(path):
    """Entry name -> offset of its data in the file, read from the local headers."""
    out = {}
    with open(path, "rb") as f:
        raw = f.read()
    for info in zipfile.ZipFile(path).infolist():
        h = info.header_offset
        assert raw[h:h + 4] == b"PK\x03\x04"
        name_len, extra_len = struct.unpack_from("<HH", raw, h + 26)
        out[info.filename] = h + 30 + name_len + extra_len
    return out


def expected(path, sd):
    """Each tensor as the test expects it: dtype, shape, file_offset and bytes."""
    offsets = local_data_offsets(path)
    prefix = zipfile.ZipFile(path).namelist()[0].split("/")[0]
    keys = {}  # storage data_ptr -> key, the order torch.save numbers them in
    tensors = {}
    for name, t in sd.items():
        if not isinstance(t, torch.Tensor):
            continue
        t = t.detach()
        storage = t.storage()
        key = keys.setdefault(storage.data_ptr(), str(len(keys)))
        elem = t.element_size()
        raw = t.contiguous().reshape(-1).view(torch.uint8).numpy().tobytes() if t.numel() else b""
        if t.dtype == torch.bool:
            raw = t.to(torch.uint8).reshape(-1).numpy().tobytes()
        tensors[name] = {
            "dtype": DTYPES[t.dtype],
            "shape": list(t.shape),
            "file_offset": offsets[f"{prefix}/data/{key}"] + t.storage_offset() * elem,
            "hex": raw.hex(),
        }
    return tensors


def zip_write(path, entries, zip64=False, method=zipfile.ZIP_STORED):
    """A zip of (name, bytes) written by hand, entries aligned to 64 bytes as torch aligns them;
    with zip64, every size and offset goes through zip64 extra fields and the zip64 end records,
    as torch writes them for files above 4 GiB."""
    out = bytearray()
    central = bytearray()
    for name, data in entries:
        name_b = name.encode()
        crc = zlib.crc32(data)
        stored = data if method == zipfile.ZIP_STORED else zlib.compress(data)[2:-4]
        offset = len(out)
        local_extra = struct.pack("<HHQQ", 1, 16, len(data), len(stored)) if zip64 else b""
        pad = (-(offset + 30 + len(name_b) + len(local_extra) + 4)) % 64
        local_extra += struct.pack("<HH", 0x4246, pad) + b"Z" * pad  # torch's "FB" padding field
        size32 = 0xFFFFFFFF if zip64 else len(data)
        csize32 = 0xFFFFFFFF if zip64 else len(stored)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 45 if zip64 else 20, 0, method, 0, 0x21,
                           crc, csize32, size32, len(name_b), len(local_extra))
        out += name_b + local_extra + stored
        cextra = struct.pack("<HHQQQ", 1, 24, len(data), len(stored), offset) if zip64 else b""
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45 if zip64 else 20, 0,
                               method, 0, 0x21, crc, csize32, size32, len(name_b), len(cextra),
                               0, 0, 0, 0, 0xFFFFFFFF if zip64 else offset)
        central += name_b + cextra
    cd_offset = len(out)
    out += central
    n = len(entries)
    if zip64:
        eocd64 = len(out)
        out += struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, n, n, len(central),
                           cd_offset)
        out += struct.pack("<IIQI", 0x07064B50, 0, eocd64, 1)
        out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF,
                           0)
    else:
        out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n, n, len(central), cd_offset, 0)
    with open(path, "wb") as f:
        f.write(out)


def entries_of(path):
    z = zipfile.ZipFile(path)
    return [(i.filename, z.read(i.filename)) for i in z.infolist()]


def main():
    os.makedirs(OUT, exist_ok=True)
    p = lambda name: os.path.join(OUT, name)  # noqa: E731
    exp = {}

    sd = state_dict()
    torch.save(sd, p("state_dict.bin"))
    exp["state_dict.bin"] = expected(p("state_dict.bin"), sd)

    ck = checkpoint()
    torch.save(ck, p("checkpoint.bin"))
    exp["checkpoint.bin"] = expected(p("checkpoint.bin"), ck["state_dict"])

    small = checkpoint()["state_dict"]
    torch.save(small, p("protocol4.bin"), pickle_protocol=4)
    exp["protocol4.bin"] = expected(p("protocol4.bin"), small)

    zip_write(p("zip64.bin"), entries_of(p("state_dict.bin")), zip64=True)
    exp["zip64.bin"] = expected(p("zip64.bin"), sd)

    with open(p("expected.json"), "w") as f:
        json.dump(exp, f, indent=1, sort_keys=True)
        f.write("\n")

    torch.save({"t": torch.arange(6.0).reshape(2, 3).t()}, p("noncontiguous.bin"))
    # (Its storage keys are memory addresses, so this one file differs from run to run.)
    torch.save(small, p("legacy.bin"), _use_new_zipfile_serialization=False)

    # PROTO 2, GLOBAL 'os system', BINUNICODE 'echo pwned', TUPLE1, REDUCE, STOP: what a hostile
    # pickle does to run a command when torch.load unpickles it.
    hostile = (b"\x80\x02cos\nsystem\nq\x00X\x0a\x00\x00\x00echo pwnedq\x01\x85q\x02Rq\x03.")
    with zipfile.ZipFile(p("hostile.bin"), "w", zipfile.ZIP_STORED) as z:
        for name, data in (("archive/data.pkl", hostile), ("archive/version", b"3\n")):
            z.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), data)

    zip_write(p("compressed.bin"), entries_of(p("protocol4.bin")), method=zipfile.ZIP_DEFLATED)

    entries = entries_of(p("protocol4.bin"))
    prefix = entries[0][0].split("/")[0]
    zip_write(p("big_endian.bin"), entries + [(f"{prefix}/byteorder", b"big")])


if __name__ == "__main__":
    main()
