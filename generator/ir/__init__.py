"""Build stage: turn a loaded document into the IR (`SdkIR`)."""

from .build import build
from .model import SdkIR

__all__ = ["build", "SdkIR"]
