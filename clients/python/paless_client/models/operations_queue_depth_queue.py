from typing import Literal

OperationsQueueDepthQueue = Literal["default", "ocr"]

OPERATIONS_QUEUE_DEPTH_QUEUE_VALUES: set[OperationsQueueDepthQueue] = {
    "default",
    "ocr",
}


def check_operations_queue_depth_queue(value: str) -> OperationsQueueDepthQueue:
    if value in OPERATIONS_QUEUE_DEPTH_QUEUE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {OPERATIONS_QUEUE_DEPTH_QUEUE_VALUES!r}")
