"""sdkgen: generate typed Python SDKs from OpenAPI documents."""

__version__ = "0.1.0"
