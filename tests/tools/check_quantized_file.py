#!/usr/bin/python3
"""Reads a quantized file written by `monoquant quantize` the way any safetensors consumer would,
with nothing but json and numpy, and checks it.

usage: check_quantized_file.py QUANTIZED [--checkpoint SOURCE] [--bits B] [--group-size G]
                               [--expect NAME=DTYPE[d0,d1,...]]... [--expect-sqnr TENSOR=DB]...

Checks: the 8-byte little-endian header length and the JSON header; every tensor's dtype, shape and
data_offsets (size = elements x dtype size; the tensors cover the data section contiguously, in
offset order, from 0 to its end); the metadata "bits" and "group_size" (strings, as safetensors
metadata must be); every "T.codes" has its "T.scales" (and, asymmetric, "T.zero_points") of
matching shape, loaded with numpy.frombuffer; --expect NAME=DTYPE[SHAPE] names tensors that must be
there as given. With --checkpoint, each INT4 layer is dequantized here (low nibble first, signed
nibbles for the symmetric scheme) and its weight SQNR against the source tensor is printed;
--expect-sqnr T=DB requires it within 0.02 dB (tests/data/real-weights/README.md gives the
reference values). Exits 0 when all holds, 1 otherwise, 77 (skipped) without numpy.
"""
import argparse
import json
import math
import struct
import sys

try:
    import numpy as np
except ImportError:
    print("numpy is not installed (Debian: python3-numpy): skipped")
    sys.exit(77)

DTYPES = {"F64": np.float64, "F32": np.float32, "F16": np.float16, "U8": np.uint8, "I8": np.int8,
          "I16": np.int16, "U16": np.uint16, "I32": np.int32, "U32": np.uint32, "I64": np.int64,
          "U64": np.uint64, "BOOL": np.bool_}

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
    return condition


def read_safetensors(path):
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n].decode("utf-8"))
    metadata = header.pop("__metadata__", {})
    data = memoryview(blob)[8 + n:]
    arrays = {}
    spans = []
    for name, entry in header.items():
        dtype = DTYPES.get(entry["dtype"])
        if not check(dtype is not None, f"{name}: unexpected dtype {entry['dtype']}"):
            continue
        shape = entry["shape"]
        begin, end = entry["data_offsets"]
        check(all(isinstance(d, int) and d >= 0 for d in shape), f"{name}: bad shape {shape}")
        count = math.prod(shape)
        if not check(end - begin == count * np.dtype(dtype).itemsize,
                     f"{name}: data_offsets {begin}..{end} do not hold {shape} of {entry['dtype']}"):
            continue
        spans.append((begin, end, name))
        arrays[name] = (entry["dtype"], np.frombuffer(data, dtype=dtype, count=count,
                                                      offset=begin).reshape(shape))
    position = 0
    for begin, end, name in sorted(spans):
        check(begin == position, f"{name}: starts at {begin}, the previous tensor ends at {position}")
        position = end
    check(position == len(data), f"the tensors end at {position}, the data section at {len(data)}")
    return metadata, arrays


def dequantize_int4(codes, scales, zero_points, cols, group):
    low = (codes & 0x0F).astype(np.int16)
    high = (codes >> 4).astype(np.int16)
    q = np.empty((codes.shape[0], codes.shape[1] * 2), dtype=np.int16)
    q[:, 0::2] = low
    q[:, 1::2] = high
    q = q[:, :cols]
    if zero_points is None:
        q = np.where(q >= 8, q - 16, q)  # two's-complement nibbles
    else:
        q = q - np.repeat(zero_points.astype(np.int16), group, axis=1)[:, :cols]
    return q.astype(np.float32) * np.repeat(scales, group, axis=1)[:, :cols]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("quantized")
    parser.add_argument("--checkpoint")
    parser.add_argument("--bits", default="4")
    parser.add_argument("--group-size", default="128")
    parser.add_argument("--expect", action="append", default=[])
    parser.add_argument("--expect-sqnr", action="append", default=[])
    args = parser.parse_args()

    metadata, arrays = read_safetensors(args.quantized)
    check(metadata.get("bits") == args.bits, f"metadata bits is {metadata.get('bits')!r}")
    check(metadata.get("group_size") == args.group_size,
          f"metadata group_size is {metadata.get('group_size')!r}")
    group = int(args.group_size)

    for expectation in args.expect:
        name, spec = expectation.split("=")
        dtype, shape = spec.split("[")
        shape = [int(d) for d in shape.rstrip("]").split(",")]
        found = arrays.get(name)
        if check(found is not None, f"no tensor {name}"):
            check(found[0] == dtype and list(found[1].shape) == shape,
                  f"{name} is {found[0]}{list(found[1].shape)}, expected {dtype}{shape}")

    source = read_safetensors(args.checkpoint)[1] if args.checkpoint else {}
    expected_sqnr = dict((t, float(db)) for t, db in (e.split("=") for e in args.expect_sqnr))
    layers = [n[:-len(".codes")] for n in arrays if n.endswith(".codes")]
    check(layers, "no quantized layer (no tensor named T.codes)")
    for t in sorted(layers):
        dtype, codes = arrays[t + ".codes"]
        scales_entry = arrays.get(t + ".scales")
        if not check(scales_entry is not None and scales_entry[0] == "F32", f"{t}: no F32 scales"):
            continue
        scales = scales_entry[1]
        check(np.all(np.isfinite(scales)) and np.all(scales >= 0), f"{t}: scales not finite, >= 0")
        check(scales.shape[0] == codes.shape[0], f"{t}: {scales.shape[0]} rows of scales")
        zero_points = arrays.get(t + ".zero_points")
        if zero_points is not None:
            zero_points = zero_points[1]
            check(zero_points.shape == scales.shape and zero_points.max(initial=0) <= 15,
                  f"{t}: zero points of shape {zero_points.shape}, max {zero_points.max()}")
        if dtype == "I8":  # per-row INT8: one scale a row, [rows, 1] (docs/model-files.md)
            check(scales.shape == (codes.shape[0], 1) and codes.min() >= -127,
                  f"{t}: INT8 rows codes {codes.shape}, scales {scales.shape}")
            continue
        check(dtype == "U8" and scales.ndim == 2, f"{t}: INT4 codes {dtype}, scales {scales.shape}")
        if t not in source:
            continue
        weight = source[t][1].reshape(source[t][1].shape[0], -1).astype(np.float32)
        cols = weight.shape[1]
        check(codes.shape[1] == (cols + 1) // 2 and scales.shape[1] == -(-cols // group),
              f"{t}: codes {codes.shape}, scales {scales.shape} for {weight.shape}")
        restored = dequantize_int4(codes, scales, zero_points, cols, group).astype(np.float64)
        w = weight.astype(np.float64)
        sqnr = 10 * math.log10(np.sum(w * w) / np.sum((w - restored) ** 2))
        print(f"{t}: INT4 {list(weight.shape)}, SQNR {sqnr:.2f} dB (dequantized with numpy)")
        if t in expected_sqnr:
            check(abs(sqnr - expected_sqnr.pop(t)) <= 0.02, f"{t}: SQNR {sqnr:.2f} dB")
    check(not expected_sqnr, f"no INT4 layer for {sorted(expected_sqnr)}")

    print(f"{len(arrays)} tensors, {len(layers)} quantized layers, metadata: "
          f"{sorted(metadata)}")
    for f in failures:
        print("FAILED:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
