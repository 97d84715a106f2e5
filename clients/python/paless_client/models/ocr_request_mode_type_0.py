from typing import Literal

OcrRequestModeType0 = Literal["auto", "force", "off", "redo"]

OCR_REQUEST_MODE_TYPE_0_VALUES: set[OcrRequestModeType0] = {
    "auto",
    "force",
    "off",
    "redo",
}


def check_ocr_request_mode_type_0(value: str) -> OcrRequestModeType0:
    if value in OCR_REQUEST_MODE_TYPE_0_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {OCR_REQUEST_MODE_TYPE_0_VALUES!r}")
