"""OCR (benchmark 6): accuracy, throughput, scale-out and memory of the worker's OCR
engine (`paless_worker.imaging` + `paless_worker.ocr`), against Tesseract and ocrmypdf
run directly on the same files in the same run.

    uv run python bench/ocr.py [--pages 20] [--accuracy-pages 4] [--rounds 2]

- Accuracy: generated scans (text rendered with Pillow at 300 dpi, noise, skew between
  -3 and +3 degrees, one page upside down, one photo-like JPEG). Word recall of the
  engine's text (what paless stores: the text layer of its archive page) against the
  `tesseract` command on the same images. Target: >= 0.98x raw, every page searchable.
- Throughput: pages/s of the engine (one OCR process per page at a time, 2 processes,
  split + OCR + assemble) against ocrmypdf's API with jobs=2 on the same 20-page scan,
  same options, taking turns (best of `--rounds`), and CPU seconds per page, which
  other work on the machine changes far less. Target: >= 0.9x.
- Scale-out: the engine with 2 OCR processes against 1 on that scan. Target: >= 1.7x
  on 2 cores.
- Memory: peak RSS of an OCR process (and of the Tesseract it starts) on an A4 page at
  600 dpi.

Writes bench/results/ocr.json. The CPU may be shared with other work: the load average
before and after is recorded with the figures.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import importlib.resources
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import img2pdf
import ocrmypdf
from PIL import Image, ImageDraw, ImageFilter, ImageFont

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PeakMemory, machine, print_table, write_results

from paless_worker import imaging, ocr

FONT = importlib.resources.files("ocrmypdf") / "data" / "NotoSans-Regular.ttf"
A5_300DPI = (1748, 2480)
A4_600DPI = (4960, 7016)
MEMORY_MB = 2048
TIME_LIMIT = 600.0
SETTINGS = ocr.OcrSettings(languages=("eng",), deskew=True, rotate_pages=True)

_WORDS = """
account address agreement amount annual balance bank benefit bill budget business
calendar capital certificate change charge claim client company contract cost credit
customer date deadline delivery department deposit description document employee energy
estimate expense family federal fee file final finance form fund health holiday house
income insurance interest invoice item letter limit loan manager market medical meeting
member message month notice number office order owner paper payment pension period
person policy premium price product property quarter rate receipt record reference
refund rent report request salary schedule school service signature statement student
summary supplier support tax telephone total transfer travel value vehicle water week
year approved received pending overdue annual monthly weekly private public general
"""
VOCABULARY = _WORDS.split()


def words(text: str) -> Counter[str]:
    return Counter(re.findall(r"[a-z0-9]+", text.lower()))


def recall(truth: Counter[str], found: Counter[str]) -> float:
    matched = sum(min(count, found[word]) for word, count in truth.items())
    return matched / max(sum(truth.values()), 1)


# The scan set ---------------------------------------------------------------------------


def text_page(rng: random.Random, size: tuple[int, int], font_px: int) -> tuple[Image.Image, str]:
    """Lines of words on white paper; returns the image and its true text."""
    width, height = size
    page = Image.new("L", size, 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(str(FONT), size=font_px)
    margin, lines, y = width // 10, [], height // 12
    while y < height - height // 10:
        line: list[str] = []
        while True:
            candidate = [*line, rng.choice(VOCABULARY)]
            if draw.textlength(" ".join(candidate), font=font) > width - 2 * margin:
                break
            line = candidate
        if rng.random() < 0.3:
            line.append(str(rng.randint(10, 99999)))
        draw.text((margin, y), " ".join(line), font=font, fill=0)
        lines.append(" ".join(line))
        y += int(font_px * 1.8)
    return page, "\n".join(lines)


def scanned(page: Image.Image, rng: random.Random, skew: float) -> Image.Image:
    """Skew, blur, grain and specks of a flatbed scan."""
    image = page.rotate(skew, resample=Image.Resampling.BICUBIC, fillcolor=255)
    image = image.filter(ImageFilter.GaussianBlur(0.7))
    noise = Image.effect_noise(image.size, 40).convert("L")
    image = Image.blend(image, noise, 0.12)
    draw = ImageDraw.Draw(image)
    for _ in range(1500):
        x, y = rng.randrange(image.width), rng.randrange(image.height)
        draw.point((x, y), fill=rng.choice((0, 80)))
    return image


def photographed(page: Image.Image, rng: random.Random) -> Image.Image:
    """A phone photo of the page: tinted paper, uneven light, soft focus, small tilt."""
    image = page.rotate(rng.uniform(-2, 2), resample=Image.Resampling.BICUBIC, fillcolor=255)
    colour = Image.merge(
        "RGB", (image.point(lambda v: v * 0.9 + 20), image.point(lambda v: v * 0.85 + 18), image)
    )
    light = Image.linear_gradient("L").resize(image.size).point(lambda v: 255 - v // 3)
    shade = Image.merge("RGB", (light, light, light.point(lambda v: v * 0.9)))
    photo = Image.composite(colour, Image.new("RGB", image.size, (40, 35, 30)), light)
    photo = Image.blend(photo, shade, 0.2).filter(ImageFilter.GaussianBlur(1.1))
    return photo


def accuracy_set(folder: Path, scans: int, rng: random.Random) -> list[tuple[Path, str, str]]:
    """(image, true text, kind) for `scans` skewed scans, one upside down, one photo."""
    items = []
    skews = [-3.0, 3.0, -1.5, 1.5, -2.2, 2.2, 0.8, -0.8]
    for index in range(scans):
        page, truth = text_page(rng, A5_300DPI, font_px=42)
        path = folder / f"scan-{index + 1}.png"
        scanned(page, rng, skews[index % len(skews)]).save(path, dpi=(300, 300))
        items.append((path, truth, f"scan, skew {skews[index % len(skews)]:+.1f} deg"))
    page, truth = text_page(rng, A5_300DPI, font_px=42)
    path = folder / "upside-down.png"
    scanned(page, rng, 1.0).rotate(180).save(path, dpi=(300, 300))
    items.append((path, truth, "scan, upside down"))
    page, truth = text_page(rng, A5_300DPI, font_px=42)
    path = folder / "photo.jpg"
    photographed(page, rng).save(path, quality=70)
    items.append((path, truth, "photo-like JPEG"))
    return items


def multipage_scan(folder: Path, pages: int, rng: random.Random) -> Path:
    images = []
    for index in range(pages):
        page, _ = text_page(rng, A5_300DPI, font_px=42)
        path = folder / f"long-{index + 1:03d}.png"
        scanned(page, rng, rng.uniform(-3, 3)).save(path, dpi=(300, 300))
        images.append(str(path))
    document = folder / f"scan-{pages}-pages.pdf"
    document.write_bytes(img2pdf.convert(images))
    return document


# Runs -------------------------------------------------------------------------------------


def raw_tesseract(image: Path) -> str:
    environment = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    done = subprocess.run(
        ["tesseract", str(image), "stdout", "-l", "eng"],
        capture_output=True,
        text=True,
        env=environment,
        check=True,
    )
    return done.stdout


def engine_image(pool: ocr.OcrPool, image: Path, folder: Path) -> ocr.UnitResult:
    pdf = folder / f"{image.stem}.pdf"
    imaging.image_to_pdf(image, pdf)
    unit = ocr.OcrUnit(pdf, 1, folder / f"{image.stem}-out", SETTINGS)
    return pool.run(unit, time_limit=TIME_LIMIT)


def measure_accuracy(folder: Path, scans: int, rng: random.Random) -> dict[str, Any]:
    items = accuracy_set(folder, scans, rng)
    pool = ocr.OcrPool(2, MEMORY_MB)
    pool.warm_up()
    try:
        with concurrent.futures.ThreadPoolExecutor(2) as threads:
            engine = list(threads.map(lambda item: engine_image(pool, item[0], folder), items))
            raw = list(threads.map(lambda item: raw_tesseract(item[0]), items))
    finally:
        pool.close()
    pages = []
    truth_all: Counter[str] = Counter()
    engine_all: Counter[str] = Counter()
    raw_all: Counter[str] = Counter()
    for (path, truth, kind), result, raw_text in zip(items, engine, raw, strict=True):
        truth_words = words(truth)
        engine_words = words(result.pages[0].text)
        raw_words = words(raw_text)
        truth_all += truth_words
        engine_all += Counter({w: min(c, engine_words[w]) for w, c in truth_words.items()})
        raw_all += Counter({w: min(c, raw_words[w]) for w, c in truth_words.items()})
        pages.append(
            {
                "page": path.name,
                "kind": kind,
                "words": sum(truth_words.values()),
                "engine_recall": round(recall(truth_words, engine_words), 4),
                "tesseract_recall": round(recall(truth_words, raw_words), 4),
                "searchable": bool(set(truth_words) & set(engine_words)),
                "pdfa": result.pages[0].pdfa,
            }
        )
    engine_recall = recall(truth_all, engine_all)
    raw_recall = recall(truth_all, raw_all)
    return {
        "pages": len(items),
        "words": sum(truth_all.values()),
        "engine_recall": round(engine_recall, 4),
        "tesseract_recall": round(raw_recall, 4),
        "engine_vs_tesseract": round(engine_recall / raw_recall, 4) if raw_recall else None,
        "pages_searchable": sum(page["searchable"] for page in pages) / len(pages),
        "per_page": pages,
    }


def cpu_seconds() -> float:
    """CPU time of this process and of its children that have ended (an OCR process
    counts once the pool has stopped it, with the Tesseract runs it waited for)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def engine_document(document: Path, folder: Path, processes: int) -> dict[str, Any]:
    """Split, OCR each page in the pool, assemble: the fan-out path on one machine."""
    pool = ocr.OcrPool(processes, MEMORY_MB)
    pool.warm_up()
    cpu_before = cpu_seconds()
    try:
        started = time.perf_counter()
        parts = ocr.split(document, folder / "parts")
        with concurrent.futures.ThreadPoolExecutor(processes) as threads:
            results = list(
                threads.map(
                    lambda part: pool.run(
                        ocr.OcrUnit(part.path, part.first, folder / "pages", SETTINGS),
                        time_limit=TIME_LIMIT,
                    ),
                    parts,
                )
            )
        pages = [page for result in results for page in result.pages]
        pdfa = ocr.assemble([page.pdf for page in pages], folder / "archive.pdf")
        seconds = time.perf_counter() - started
    finally:
        pool.close()
    cpu = cpu_seconds() - cpu_before
    return {
        "processes": processes,
        "pages": len(pages),
        "seconds": round(seconds, 2),
        "pages_per_s": round(len(pages) / seconds, 4),
        "cpu_seconds_per_page": round(cpu / len(pages), 3),
        "archive_pdfa": pdfa,
    }


def ocrmypdf_document(document: Path, output: Path, jobs: int) -> dict[str, Any]:
    cpu_before = cpu_seconds()
    started = time.perf_counter()
    ocrmypdf.ocr(
        document,
        output,
        language=list(SETTINGS.languages),
        mode="skip",
        deskew=True,
        rotate_pages=True,
        output_type="auto",
        pdfa_backend="internal",
        rasterizer="pypdfium",
        jobs=jobs,
        progress_bar=False,
    )
    seconds = time.perf_counter() - started
    cpu = cpu_seconds() - cpu_before
    pages = len(ocr.page_texts(output))
    return {
        "jobs": jobs,
        "pages": pages,
        "seconds": round(seconds, 2),
        "pages_per_s": round(pages / seconds, 4),
        "cpu_seconds_per_page": round(cpu / pages, 3),
    }


def measure_memory(folder: Path, rng: random.Random) -> dict[str, Any]:
    page, _ = text_page(rng, A4_600DPI, font_px=84)
    image = folder / "a4-600dpi.png"
    scanned(page, rng, 1.2).save(image, dpi=(600, 600))
    pool = ocr.OcrPool(1, MEMORY_MB)
    pool.warm_up()
    try:
        (pid,) = pool.pids()
        with PeakMemory({"ocr": pid}, interval=0.01) as peaks:
            started = time.perf_counter()
            result = engine_image(pool, image, folder)
            seconds = time.perf_counter() - started
    finally:
        pool.close()
    report = peaks.report_mib()
    return {
        "page": "A4 at 600 dpi (4960x7016 px)",
        "memory_limit_mib": MEMORY_MB,
        "seconds": round(seconds, 2),
        "words_found": sum(words(result.pages[0].text).values()),
        "ocr_process_peak_rss_mib": round(report.get("ocr_peak_rss_mib", 0.0), 1),
        # Tesseract runs as the OCR process's child (once per step: orientation,
        # deskew, OCR); the largest of them.
        "tesseract_peak_rss_mib": round(
            max((v for k, v in report.items() if k.startswith("ocr.child")), default=0.0), 1
        ),
        "tree_peak_rss_mib": round(report.get("ocr_tree_peak_rss_mib", 0.0), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=20, help="pages of the long scan")
    parser.add_argument("--accuracy-pages", type=int, default=4, help="skewed scans")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--rounds", type=int, default=2, help="turns of the throughput runs")
    args = parser.parse_args()
    status = ocr.tesseract_status()
    if status.path is None:
        sys.exit("tesseract is not installed: see README (make bench installs it)")
    rng = random.Random(args.seed)
    load_before = round(os.getloadavg()[0], 2)
    results: dict[str, Any] = {"benchmark": "ocr", "tesseract": status.version}
    with tempfile.TemporaryDirectory(prefix="paless-bench-ocr-") as folder_name:
        folder = Path(folder_name)
        print("accuracy ...", flush=True)
        results["accuracy"] = measure_accuracy(folder, args.accuracy_pages, rng)
        document = multipage_scan(folder, args.pages, rng)
        print(f"engine, 1 OCR process, {args.pages} pages ...", flush=True)
        one = engine_document(document, folder / "engine-1", 1)
        # Other work may share the CPU: engine and ocrmypdf take turns, `--rounds`
        # times, and each keeps its best round.
        two, direct = [], []
        for round_number in range(1, args.rounds + 1):
            print(f"round {round_number}: ocrmypdf directly, jobs=2 ...", flush=True)
            output = folder / f"ocrmypdf-{round_number}.pdf"
            direct.append(ocrmypdf_document(document, output, jobs=2))
            print(f"round {round_number}: engine, 2 OCR processes ...", flush=True)
            two.append(engine_document(document, folder / f"engine-2-{round_number}", 2))
        best_two = max(two, key=lambda run: run["pages_per_s"])
        best_direct = max(direct, key=lambda run: run["pages_per_s"])
        results["throughput"] = {
            "engine_2_processes": best_two,
            "ocrmypdf_jobs_2": best_direct,
            "engine_vs_ocrmypdf": round(best_two["pages_per_s"] / best_direct["pages_per_s"], 4),
            # CPU per page depends far less on other work sharing the machine.
            "engine_vs_ocrmypdf_cpu": round(
                best_direct["cpu_seconds_per_page"] / best_two["cpu_seconds_per_page"], 4
            ),
            "rounds_pages_per_s": {
                "engine_2_processes": [run["pages_per_s"] for run in two],
                "ocrmypdf_jobs_2": [run["pages_per_s"] for run in direct],
            },
        }
        results["scale_out"] = {
            "engine_1_process": one,
            "engine_2_processes": best_two,
            "speedup_2_vs_1": round(best_two["pages_per_s"] / one["pages_per_s"], 4),
        }
        print("memory, A4 at 600 dpi ...", flush=True)
        results["memory"] = measure_memory(folder, rng)
    results["machine"] = machine() | {"load_average_1m_at_start": load_before}
    print_table({key: value for key, value in results.items() if key != "accuracy"})
    print_table({k: v for k, v in results["accuracy"].items() if k != "per_page"}, "accuracy.")
    for page in results["accuracy"]["per_page"]:
        print(
            f"  {page['page']:<16}{page['kind']:<26} engine {page['engine_recall']:.3f}"
            f"  tesseract {page['tesseract_recall']:.3f}"
        )
    print(f"written to {write_results('ocr', results)}")


if __name__ == "__main__":
    main()
