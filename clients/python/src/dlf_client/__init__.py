"""Python client for the DLF platform's trainer and serving servers."""
from ._channel import tls_credentials
from .errors import DlfError
from .prediction import PredictionClient, Predictions
from .trainer import TrainerClient

__all__ = ["DlfError", "PredictionClient", "Predictions", "TrainerClient", "tls_credentials"]
