"""QR codes of counters' survey addresses (``qrcode``), with high error correction for worn stickers."""
from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_H


def _qr(data: str) -> qrcode.QRCode:
    # Level H restores up to ~30% of damaged modules: a scratched or partly covered sticker still scans.
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_H, box_size=12, border=4)
    code.add_data(data)
    code.make(fit=True)
    return code


def qr_png(data: str) -> bytes:
    buffer = io.BytesIO()
    _qr(data).make_image().save(buffer, format="PNG")
    return buffer.getvalue()


def qr_svg(data: str) -> bytes:
    """A vector QR code (one path), sharp at any print size."""
    buffer = io.BytesIO()
    _qr(data).make_image(image_factory=qrcode.image.svg.SvgPathImage).save(buffer)
    return buffer.getvalue()
