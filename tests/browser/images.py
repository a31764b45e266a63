"""Pictures for the scanning tests, made from a label the app rendered: a phone-style
photo (rotated, on a grey noisy background, JPEG) and a Y4M video for Chromium's fake
camera."""

import io
import random
from pathlib import Path

from PIL import Image, ImageFilter


def phone_photo(label_png: bytes, *, angle: float = 11.0, seed: int = 5) -> bytes:
    """The label as a phone would see it on a workbench: tilted, not centred, on a
    noisy grey surface, slightly soft, compressed."""
    rng = random.Random(seed)
    label = Image.open(io.BytesIO(label_png)).convert("RGB")
    label = label.resize((label.width * 2, label.height * 2), Image.BICUBIC)
    tilted = label.convert("RGBA").rotate(angle, expand=True, resample=Image.BICUBIC)
    width, height = 2000, 1500
    noise = Image.effect_noise((width, height), 28).convert("RGB")
    grey = Image.new("RGB", (width, height), (128, 126, 120))
    background = Image.blend(grey, noise, 0.35)
    x = rng.randint(150, width - tilted.width - 150)
    y = rng.randint(150, height - tilted.height - 150)
    background.paste(tilted, (x, y), tilted)
    photo = background.filter(ImageFilter.GaussianBlur(1.2))
    out = io.BytesIO()
    photo.save(out, "JPEG", quality=78)
    return out.getvalue()


def label_video(label_png: bytes, path: Path, *, size=(640, 480), frames: int = 4) -> Path:
    """A Y4M file (YUV 4:2:0, JPEG range) showing the label on a light background."""
    width, height = size
    assert width % 2 == 0 and height % 2 == 0, "4:2:0 needs even dimensions"
    label = Image.open(io.BytesIO(label_png)).convert("RGB")
    scale = min((width - 40) / label.width, (height - 40) / label.height)
    label = label.resize((int(label.width * scale), int(label.height * scale)), Image.LANCZOS)
    frame = Image.new("RGB", (width, height), (205, 205, 200))
    frame.paste(label, ((width - label.width) // 2, (height - label.height) // 2))
    y, cb, cr = frame.convert("YCbCr").split()
    half = (width // 2, height // 2)
    chroma = [plane.resize(half, Image.BOX).tobytes() for plane in (cb, cr)]
    planes = y.tobytes() + chroma[0] + chroma[1]
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n" + planes)
    return path
