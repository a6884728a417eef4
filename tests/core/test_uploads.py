"""core.uploads: the size limit and the rewound read every upload validator shares."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core.uploads import from_the_start, refuse_oversized


def test_a_file_over_the_limit_is_refused_naming_the_limit_in_mb():
    file = SimpleUploadedFile("big.bin", b"x" * (2 * 1024 * 1024 + 1))

    with pytest.raises(ValidationError) as refused:
        refuse_oversized(file, limit_bytes=2 * 1024 * 1024, upload_an="audio")

    assert refused.value.code == "file_too_large"
    assert refused.value.messages == ["This file is too large. Upload audio of at most 2 MB."]
    refuse_oversized(file, limit_bytes=3 * 1024 * 1024, upload_an="audio")  # within: passes


def test_reading_from_the_start_puts_the_file_back_where_it_was_even_on_errors():
    file = io.BytesIO(b"ID3 and the rest")
    file.seek(4)

    with from_the_start(file):
        assert file.read(3) == b"ID3"
    assert file.tell() == 4

    with pytest.raises(ValueError), from_the_start(file):
        file.read(8)
        raise ValueError
    assert file.tell() == 4
