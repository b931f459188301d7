"""C++ text for a quantized network: one parameter struct per layer in <name>_data (constants in
flash), the network type, and <name>_info (input quantizer, output scale, classes)."""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..ir import nn as ir
from ..nn import fuse as nn_fuse
from ..nn import plan as nn_plan
from ..quantize.nn import QLayer, QNetwork
from .cpp import comment_block, f32, wrap

KIND = {ir.Dense: "dense", ir.Conv2D: "conv2d", ir.DepthwiseConv2D: "depthwise_conv2d",
        ir.GlobalAvgPool: "global_avg_pool", ir.Add: "add"}


def layer_kind(layer) -> str:
    layer = ir.unwrap(layer)
    if isinstance(layer, ir.Activation):
        return "lut"
    if isinstance(layer, ir.Softmax):
        return "softmax"
    if isinstance(layer, ir.Pool2D):
        return f"{layer.kind}_pool2d"
    return KIND[type(layer)]


def is_tflite_softmax(ql) -> bool:
    """A softmax with TFLite's own arithmetic (include/ctml/nn/softmax_tflite.hpp), not the Q15 table."""
    return isinstance(ql.layer, ir.Softmax) and "input_multiplier" in ql.add


def ql_kind(ql) -> str:
    return "softmax_tflite" if is_tflite_softmax(ql) else layer_kind(ql.layer)


def _array(ctype: str, name: str, values) -> list[str]:
    vals = [str(int(v)) for v in np.asarray(values).reshape(-1)]
    return [f"  CTML_FLASH static constexpr {ctype} {name}[{len(vals)}] = {{", wrap(vals), "  };"]


def _window(layer) -> list[str]:
    t, b, l, r = layer.padding
    if isinstance(layer, ir.Pool2D):
        kh, kw = layer.kernel
    elif isinstance(layer, ir.Conv2D):
        kh, kw = layer.weight.shape[1:3]
    else:
        kh, kw = layer.weight.shape[0:2]
    return [f"  static constexpr std::size_t kh = {kh}, kw = {kw}, stride_h = {layer.stride[0]}, stride_w = {layer.stride[1]};",
            f"  static constexpr std::size_t pad_top = {t}, pad_bottom = {b}, pad_left = {l}, pad_right = {r};"]


def _clamp(ql: QLayer) -> str:
    return f"  static constexpr std::int32_t output_zero = {ql.out_zero}, act_min = {ql.act_min}, act_max = {ql.act_max};"


def layer_type(layer, kind: str, params: str, shapes: list) -> str:
    """The C++ layer type; a Branch wraps it in ctml::nn::branch<source, source dims, layer>."""
    t = f"ctml::nn::{kind}<{params}>"
    if isinstance(layer, ir.Branch):
        h, w, c = shapes[layer.source]
        t = f"ctml::nn::branch<{layer.source}, ctml::nn::dims{{{h}, {w}, {c}}}, {t}>"
    return t


def layer_struct(ql: QLayer, sname: str) -> list[str]:
    if isinstance(ql.layer, ir.Branch):
        inner = layer_struct(replace(ql, layer=ql.layer.layer), sname)
        return [inner[0] + f" (reads tensor {ql.layer.source}: a shortcut)"] + inner[1:]
    layer = ql.layer
    out = [f"struct {sname} {{  // {layer_kind(layer)}" + (f", {layer.activation}" if getattr(layer, "activation", "linear") != "linear" else "")]
    if isinstance(layer, ir.Activation):
        return [f"struct {sname} {{  // {layer.kind} as a table: output scale {ql.out_scale!r}, zero point {ql.out_zero}"] + \
            _array("std::int8_t", "table", ql.weight) + ["};"]
    if is_tflite_softmax(ql):
        a = ql.add
        return [f"struct {sname} {{  // softmax as TFLite computes it (input scale {ql.in_scale:.9g}); output scale 1/256, "
                "zero point -128",
                f"  static constexpr std::int32_t input_multiplier = {a['input_multiplier']}, "
                f"input_left_shift = {a['input_left_shift']}, diff_min = {a['diff_min']};", "};"]
    if isinstance(layer, ir.Softmax):
        return [f"struct {sname} {{  // softmax: exp(-d * {ql.in_scale:.9g}) in Q15 for d = max - x; output scale 1/256, "
                "zero point -128"] + _array("std::uint16_t", "table", ql.weight) + ["};"]
    if isinstance(layer, ir.Dense):
        units, inputs = ql.weight.shape
        folded = ql.bias - ql.in_zero * ql.weight.sum(axis=1)   # the input zero point folded into the bias
        out += [f"  static constexpr std::size_t inputs = {inputs}, units = {units};"]
        out += _array("std::int8_t", "weight", ql.weight) + _array("std::int32_t", "bias", folded)
    elif isinstance(layer, ir.Conv2D):
        oc, kh, kw, ic = ql.weight.shape
        out += [f"  static constexpr std::size_t in_c = {ic}, out_c = {oc};"] + _window(layer)
        out += [f"  static constexpr std::int32_t input_offset = {-ql.in_zero};"]
        out += _array("std::int8_t", "weight", ql.weight) + _array("std::int32_t", "bias", ql.bias)
    elif isinstance(layer, ir.DepthwiseConv2D):
        oc = ql.weight.shape[2]
        out += [f"  static constexpr std::size_t in_c = {oc // layer.multiplier}, multiplier_per_channel = {layer.multiplier};"]
        out += _window(layer) + [f"  static constexpr std::int32_t input_offset = {-ql.in_zero};"]
        out += _array("std::int8_t", "weight", ql.weight) + _array("std::int32_t", "bias", ql.bias)
    elif isinstance(layer, ir.Pool2D):
        out += _window(layer)
    elif isinstance(layer, ir.Add):
        a = ql.add
        out += [f"  static constexpr int other = {layer.other};",
                f"  static constexpr std::int32_t in1_offset = {-ql.in_zero}, in1_multiplier = {a['in1_multiplier']}, in1_shift = {a['in1_shift']};",
                f"  static constexpr std::int32_t in2_offset = {-ql.other_zero}, in2_multiplier = {a['in2_multiplier']}, in2_shift = {a['in2_shift']};",
                f"  static constexpr std::int32_t out_multiplier = {int(ql.multiplier)}, out_shift = {int(ql.shift)};"]
    if isinstance(layer, ir.WEIGHTED):
        out += _array("std::int32_t", "multiplier", ql.multiplier) + _array("std::int8_t", "shift", ql.shift)
    out += [_clamp(ql), "};"]
    return out


def _farray(name: str, values) -> list[str]:
    vals = [f32(v) for v in np.asarray(values, dtype=np.float64).reshape(-1)]
    return [f"  CTML_FLASH static constexpr float {name}[{len(vals)}] = {{", wrap(vals), "  };"]


def _fclamp(layer) -> str:
    act = getattr(layer, "activation", "linear")
    lo, hi = {"linear": ("-inf", "inf"), "relu": ("0.f", "inf"), "relu6": ("0.f", "6.f")}[act]
    return f"  static constexpr float act_min = {lo}, act_max = {hi};"


def float_kind(layer) -> str:
    return layer.kind if isinstance(layer, ir.Activation) else layer_kind(layer)


def float_struct(layer, sname: str) -> list[str]:
    """A float layer's parameters: the trained weights in ctml's layouts (BatchNorm folded)."""
    layer = ir.unwrap(layer)
    out = [f"struct {sname} {{  // {float_kind(layer)}_f32" + (f", {layer.activation}" if getattr(layer, "activation", "linear") != "linear" else "")]
    if isinstance(layer, ir.Dense):
        out += [f"  static constexpr std::size_t inputs = {layer.weight.shape[1]}, units = {layer.weight.shape[0]};"]
    elif isinstance(layer, ir.Conv2D):
        oc, kh, kw, ic = layer.weight.shape
        out += [f"  static constexpr std::size_t in_c = {ic}, out_c = {oc};"] + _window(layer)
    elif isinstance(layer, ir.DepthwiseConv2D):
        out += [f"  static constexpr std::size_t in_c = {layer.weight.shape[2] // layer.multiplier}, multiplier_per_channel = {layer.multiplier};"]
        out += _window(layer)
    elif isinstance(layer, ir.Pool2D):
        out += _window(layer)
    elif isinstance(layer, ir.Add):
        out += [f"  static constexpr int other = {layer.other};"]
    if isinstance(layer, ir.WEIGHTED):
        out += _farray("weight", layer.weight) + _farray("bias", layer.bias)
    if isinstance(layer, (ir.Dense, ir.Conv2D, ir.DepthwiseConv2D, ir.Add)):
        out.append(_fclamp(layer))
    return out + ["};"]


def float_header(net: ir.Network, name: str) -> str:
    """<name>_float: the network in float (host, Cortex-M4F/M7), the trained weights unquantized."""
    h, w, c = net.input_shape
    info = [f"ctml model `{name}_float`, generated by ctml codegen: do not edit, regenerate.",
            f"Source: {net.source.estimator}, {net.source.framework}.",
            f"The float path of `{name}`: input {h}x{w}x{c} (HWC) float, the trained weights (BatchNorm folded).",
            "Layers: " + ", ".join(float_kind(l) + "_f32" for l in net.layers) + "."]
    lines = [comment_block(info), "#pragma once", "#include <cstddef>", "#include <limits>", "",
             "#include <ctml/core/layout.hpp>", "#include <ctml/core/budget.hpp>"] + \
        (["#include <ctml/nn/branch.hpp>"] if any(isinstance(l, ir.Branch) for l in net.layers) else []) + \
        ["#include <ctml/nn/layers_f32.hpp>", "#include <ctml/nn/network.hpp>"] + \
        (["#include <ctml/nn/regressor.hpp>"] if net.kind == "regressor" else []) + \
        ["#include <ctml/platform/flash.hpp>", "",
             f"namespace ctml_models::{name}_float_data {{", "", "inline constexpr float inf = std::numeric_limits<float>::infinity();", ""]
    types = []
    for i, layer in enumerate(net.layers):
        lines += float_struct(layer, f"l{i}") + [""]
        types.append(layer_type(layer, float_kind(ir.unwrap(layer)) + "_f32", f"{name}_float_data::l{i}", ir.shapes(net)))
    lines += [f"}}  // namespace ctml_models::{name}_float_data", "", "namespace ctml_models {", "",
              (f"using {name}_float = ctml::nn::regressor<ctml::nn::network<ctml::nn::dims{{{h}, {w}, {c}}},"
               if net.kind == "regressor" else f"using {name}_float = ctml::nn::network<ctml::nn::dims{{{h}, {w}, {c}}},"),
              wrap(types, indent="    ") + (">>;" if net.kind == "regressor" else ">;"),
              "template <class Layout = ctml::layout::automatic>", f"using {name}_float_t = {name}_float;", "",
              "}  // namespace ctml_models", ""]
    return "\n".join(lines)


def header(q: QNetwork, name: str, shapes: list, float_path: bool = False) -> str:  # noqa: C901
    net = q.net
    h, w, c = net.input_shape
    bounds = nn_plan.arena_bounds(net)
    layers, kept = nn_fuse.fuse(list(q.layers))   # Conv/Dense + Add pairs in place (add_in_place.hpp)
    shapes = [shapes[t] for t in kept]
    kinds = ", ".join(layer_kind(l.layer.layer) + "+add in place" if isinstance(l, nn_fuse.AddInPlace) else ql_kind(l)
                      for l in layers)
    info = [f"ctml model `{name}`, generated by ctml codegen: do not edit, regenerate.",
            f"Source: {net.source.estimator}, {net.source.framework}.",
            f"Input {h}x{w}x{c} (HWC) int8 codes: q = round(x / {q.input_scale!r}) + {q.input_zero} (see {name}_info::quantize).",
            f"Layers: {kinds}.",
            "Tensors: " + " -> ".join("x".join(map(str, s)) for s in shapes) + ".",
            "int8 as TFLite: per-channel symmetric weights, asymmetric activations, int32 bias, Q31 requantization."]
    if net.classes:
        info.append("Classes (predict returns the index): " + ", ".join(repr(c) for c in net.classes) + ".")
    if q.has_softmax:
        info.append("A final softmax: probabilities() gives int8 codes of probabilities (scale 1/256, zero point -128), "
                    "predict_proba() floats; logits() and predict() stop before it.")
    if float_path:
        info.append(f"{name}_float.hpp: the same network in float (host, Cortex-M4F).")
    lines = [comment_block(info), "#pragma once", "#include <array>", "#include <cstddef>", "#include <cstdint>",
"",
             "#include <ctml/core/layout.hpp>", "#include <ctml/core/budget.hpp>", "#include <ctml/nn/nn.hpp>",
             "#include <ctml/platform/flash.hpp>", "",
             f"namespace ctml_models::{name}_data {{", ""]
    types = []
    for i, ql in enumerate(layers):
        if isinstance(ql, nn_fuse.AddInPlace):
            lines += layer_struct(ql.layer, f"l{i}") + [""] + layer_struct(ql.add, f"l{i}_add") + [""]
            inner = layer_type(ql.layer.layer, layer_kind(ql.layer.layer), f"{name}_data::l{i}", shapes)
            types.append(f"ctml::nn::add_in_place<{inner}, {name}_data::l{i}_add>")
            continue
        lines += layer_struct(ql, f"l{i}") + [""]
        types.append(layer_type(ql.layer, ql_kind(ql), f"{name}_data::l{i}", shapes))
    lines += [f"}}  // namespace ctml_models::{name}_data", "", "namespace ctml_models {", ""]
    if net.kind == "regressor":   # predict is the dequantized output (ctml/nn/regressor.hpp), not an argmax
        lines += [f"struct {name}_output {{",
                  f"  static constexpr float scale = {f32(q.output_scale)};",
                  f"  static constexpr std::int32_t zero = {q.output_zero};", "};",
                  f"using {name} = ctml::nn::regressor<ctml::nn::network<ctml::nn::dims{{{h}, {w}, {c}}},",
                  wrap(types, indent="    ") + f">, {name}_output>;"]
    else:
        lines += [f"using {name} = ctml::nn::network<ctml::nn::dims{{{h}, {w}, {c}}},",
                  wrap(types, indent="    ") + ">;"]
    lines += [
              "// Networks have one layout (weights in flash, walked by the kernels' loops); the parameter",
              "// keeps the interface of the other families.",
              "template <class Layout = ctml::layout::automatic>", f"using {name}_t = {name};", ""]
    lines += [f"namespace {name}_info {{",
              f"inline constexpr float input_scale = {f32(q.input_scale)};",
              f"inline constexpr std::int32_t input_zero = {q.input_zero};",
              f"inline constexpr float output_scale = {f32(q.output_scale)};",
              f"inline constexpr std::int32_t output_zero = {q.output_zero};",
              f"inline constexpr std::size_t macs = {nn_plan.macs(net)};  // multiply-accumulates per inference",
              "// Lower bounds for the activation arena: the largest sum of two tensors alive at once, and of",
              "// all tensors alive at once (what any plan that never overlaps live tensors needs).",
              f"inline constexpr std::size_t two_largest_live_bytes = {bounds['two_largest_live']};",
              f"inline constexpr std::size_t all_live_bytes = {bounds['all_live']};"]
    if net.classes:
        lines.append(f"inline constexpr std::array<long, {len(net.classes)}> class_labels = {{{', '.join(str(int(c)) for c in net.classes)}}};")
    n = h * w * c
    lines += ["// Float inputs (HWC) to int8 codes, in float32 (codegen rounds in float64: a value exactly",
              "// halfway between two codes may round differently). NaN becomes a real 0.",
              f"inline constexpr std::array<std::int8_t, {n}> quantize(const std::array<float, {n}>& x) noexcept {{",
              f"  std::array<std::int8_t, {n}> q{{}};",
              "  for (std::size_t i = 0; i < q.size(); ++i) {",
              "    float v = x[i] / input_scale;  // NaN maps to the zero point (a real 0); clamped before the cast",
              "    v = v == v ? (v < -512.f ? -512.f : (v > 512.f ? 512.f : v)) : 0.f;",
              "    const float r = v >= 0 ? static_cast<float>(static_cast<long>(v + 0.5f)) : -static_cast<float>(static_cast<long>(-v + 0.5f));",
              "    const float s = r + static_cast<float>(input_zero);",
              "    q[i] = static_cast<std::int8_t>(s < -128.f ? -128.f : (s > 127.f ? 127.f : s));",
              "  }", "  return q;", "}",
              "// An int8 output code as a real value.",
              "inline constexpr float dequantize(std::int8_t v) noexcept { return output_scale * static_cast<float>(v - output_zero); }",
              f"}}  // namespace {name}_info", "", "}  // namespace ctml_models", ""]
    return "\n".join(lines)


HEAD = 30


def _values(ns_values, k: int) -> list[str]:
    """The framework's regression values (predict) on the first k samples, one row per sample."""
    if ns_values is None:
        return []
    v = np.asarray(ns_values, dtype=np.float64).reshape(len(ns_values), -1)[:k]
    return [f"  CTML_FLASH static constexpr float expected_value[{k}][{v.shape[1]}] = {{",
            wrap(["{" + ", ".join(f32(x) for x in row) + "}" for row in v]), "  };"]


def float_vectors(name: str, X: np.ndarray, out, framework_class, truth, k: int) -> list[str]:
    """The float path's vectors: float inputs (HWC) and the framework's classes."""
    ns = f"{name}_float_vectors" + ("_head" if k < len(X) else "")
    x = X[:k].reshape(k, -1)
    lines = [f"struct {ns} {{", f"  static constexpr std::size_t n_samples = {k};",
             f"  static constexpr std::size_t n_features = {x.shape[1]};",
             f"  CTML_FLASH static constexpr float inputs[{k}][{x.shape[1]}] = {{",
             wrap(["{" + ", ".join(f32(v) for v in row) + "}" for row in x]), "  };"]
    if framework_class is not None:
        lines += [f"  CTML_FLASH static constexpr std::uint8_t expected_class[{k}] = {{", wrap([str(int(v)) for v in framework_class[:k]]), "  };"]
    if truth is not None:
        lines += [f"  CTML_FLASH static constexpr std::uint8_t truth[{k}] = {{", wrap([str(int(v)) for v in truth[:k]]), "  };"]
    return lines + _values(out, k) + ["};", ""]


def float_vectors_header(name: str, X: np.ndarray, framework_class, truth, framework_value=None) -> str:
    lines = [f"// Test vectors for ctml network `{name}_float`: {len(X)} held-out samples, generated by ctml codegen.",
             "// inputs are floats (HWC); expected_class is the framework's own prediction. Do not edit, regenerate.",
             "#pragma once", "#include <cstddef>", "#include <cstdint>", "", "#include <ctml/platform/flash.hpp>", "",
             "namespace ctml_models {", ""]
    lines += float_vectors(name, X, framework_value, framework_class, truth, len(X))
    lines += float_vectors(name, X, framework_value, framework_class, truth, min(HEAD, len(X)))
    return "\n".join(lines + ["}  // namespace ctml_models", ""])


def vectors_header(name: str, Xq: np.ndarray, ref_class, ref_out, framework_class, truth, parts: int = 1,
                   ref_proba=None, framework_value=None) -> str:
    """Held-out int8 inputs, the numpy int8 reference's classes, logits (and softmax codes) on them, and
    the float framework's classes (for reporting conformance of the quantized model to the framework)."""
    lines = [f"// Test vectors for ctml network `{name}`: {len(Xq)} held-out samples, generated by ctml codegen.",
             "// inputs are int8 codes (HWC); expected_class / expected_output are the numpy int8 reference's",
             "// (codegen/ctml_codegen/nn_reference.py), which ctml must match bit for bit (expected_proba: the final",
             "// softmax's codes, if the network has one); framework_class is",
             "// the float framework's own prediction on the same inputs. Do not edit, regenerate.",
             f"// {name}_vectors_head holds the first {HEAD} samples (the benchmark set, small enough for AVR flash);",
             f"// {name}_vectors_part<i>, if present, split the whole set into pieces that fit the AVR's flash.",
             "#pragma once", "#include <cstddef>", "#include <cstdint>", "", "#include <ctml/platform/flash.hpp>", "",
             "namespace ctml_models {", ""]
    n = len(Xq)
    sets = [(f"{name}_vectors", 0, n), (f"{name}_vectors_head", 0, min(HEAD, n))]
    bounds = np.linspace(0, n, parts + 1).astype(int) if parts > 1 else []
    sets += [(f"{name}_vectors_part{i}", int(a), int(b)) for i, (a, b) in enumerate(zip(bounds[:-1], bounds[1:]))]
    for ns, a, b in sets:
        k = b - a
        x = Xq[a:b].reshape(k, -1)
        o = ref_out[a:b].reshape(k, -1)
        lines += [f"struct {ns} {{", f"  static constexpr std::size_t n_samples = {k};",
                  f"  static constexpr std::size_t n_features = {x.shape[1]};",
                  f"  static constexpr std::size_t n_outputs = {o.shape[1]};",
                  f"  CTML_FLASH static constexpr std::int8_t inputs[{k}][{x.shape[1]}] = {{",
                  wrap(["{" + ", ".join(str(int(v)) for v in row) + "}" for row in x]), "  };",
                  f"  CTML_FLASH static constexpr std::int8_t expected_output[{k}][{o.shape[1]}] = {{",
                  wrap(["{" + ", ".join(str(int(v)) for v in row) + "}" for row in o]), "  };"]
        if ref_proba is not None:
            lines += [f"  CTML_FLASH static constexpr std::int8_t expected_proba[{k}][{o.shape[1]}] = {{",
                      wrap(["{" + ", ".join(str(int(v)) for v in row) + "}" for row in ref_proba[a:b]]), "  };"]
        if ref_class is not None:
            lines += [f"  CTML_FLASH static constexpr std::uint8_t expected_class[{k}] = {{", wrap([str(int(v)) for v in ref_class[a:b]]), "  };",
                      f"  CTML_FLASH static constexpr std::uint8_t framework_class[{k}] = {{", wrap([str(int(v)) for v in framework_class[a:b]]), "  };"]
        if truth is not None:
            lines += [f"  CTML_FLASH static constexpr std::uint8_t truth[{k}] = {{", wrap([str(int(v)) for v in truth[a:b]]), "  };"]
        lines += _values(None if framework_value is None else np.asarray(framework_value).reshape(n, -1)[a:b], k)
        lines += ["};", ""]
    lines += ["}  // namespace ctml_models", ""]
    return "\n".join(lines)
