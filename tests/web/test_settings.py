"""Settings that shape a server process."""

import pytest

from search.analysis import memory
from web import create_app, settings


def test_a_server_process_keeps_the_word_memory_its_settings_say(content_index):
    try:
        create_app({"INDEX": str(content_index), "RATE_LIMIT": "", "WORD_MEMORY": 1234})
        assert memory.words() == 1234
        with pytest.raises(settings.SettingsError, match="WORD_MEMORY"):
            settings.load({"WORD_MEMORY": 0}, environ={})
    finally:
        memory.set_words(memory.DEFAULT_WORDS)
