"""Per-target figures for budgets and the automatic layout choice: the part's flash and RAM and
the costs codegen's estimates use (keep in step with include/ctml/platform/target.hpp and
core/layout.hpp). A new target is one entry here, one toolchain file and one CMake preset."""
from __future__ import annotations

# call_frame: platform::call_frame_bytes (classic models); network_frame: nn::call_frame_bytes
# (a network's kernels; a Cortex-M4 layer's im2col scratch comes on top and is not in this check).
TARGETS = {
    "host": {"bytes_per_node": 12, "call_frame": 256, "network_frame": 512, "flash": None, "ram": None},
    "avr": {"bytes_per_node": 10, "call_frame": 88, "network_frame": 160, "flash": 32768, "ram": 2048},
    "cortex-m": {"bytes_per_node": 8, "call_frame": 144, "network_frame": 320, "flash": None, "ram": None},
}
UNROLL_LIMIT = 24576
TABLE_WALKER_BYTES = 256


def budgets(target: str, flash_budget, ram_budget) -> tuple:
    """The caller's budgets, or the target part's flash and RAM where the caller gave none."""
    tg = TARGETS[target]
    return (flash_budget if flash_budget is not None else tg["flash"],
            ram_budget if ram_budget is not None else tg["ram"])


def check_budget(name: str, target: str, layout: str, flash: int, ram: int, flash_budget=None, ram_budget=None,
                 advice: str = "a smaller model", other_flash=None) -> None:
    """Refuses a model over the flash or RAM budget with the figures (needed vs budget) and advice that
    applies: the other layout is suggested only when it fits (other_flash: its flash, code + constants;
    None: not known), and never the layout the model already has."""
    from .errors import ConversionError
    flash_budget, ram_budget = budgets(target, flash_budget, ram_budget)
    if flash_budget is not None and flash > flash_budget:
        other = "table" if layout == "unrolled" else "unrolled"
        if other_flash is not None:
            tip = f"the {other} layout ({other_flash} B), " if other_flash <= flash_budget else ""
        else:
            tip = "the table layout, " if layout != "table" else ""
        raise ConversionError(f"model {name} needs about {flash} B of flash on {target} (code + constants, {layout} "
                              f"layout) but the budget is {flash_budget} B; use {tip}{advice}, or a larger budget")
    if ram_budget is not None and ram > ram_budget:
        raise ConversionError(f"model {name} needs {ram} B of RAM on {target} but the budget is {ram_budget} B; "
                              f"use {advice}, or a larger budget")
