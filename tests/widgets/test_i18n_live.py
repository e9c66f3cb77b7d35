"""The device dashboard, the input-pipeline lab and the speech explorer (with its microphone) in
Chinese (issue 17): every string a student reads is Chinese in their typical states (after a
run or a prediction, after a bad input), and in English the same widgets show no Chinese."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from scipy.io import wavfile

import bigmodel_widgets as bmw
from bigmodel_widgets.engine.devices import FakeBackend
from bigmodel_widgets.engine.tasks import speech
from bigmodel_widgets.engine.tasks.speech import frontend as fe
from tests.widgets._visible_text import CJK, english_left, visible_strings


@pytest.fixture
def en():
    bmw.set_language("en")
    yield
    bmw.set_language(None)


@pytest.fixture(scope="module")
def trained():
    # the speech widget tests' cheapest recognizer: 120 recordings, one epoch
    split = speech.load_split(seed=0, limit=120)
    return speech.train(split, "text", epochs=1), split


def _wav(samples, rate=16000) -> bytes:
    buf = io.BytesIO()
    wavfile.write(buf, rate, (np.asarray(samples) * 32000).astype(np.int16))
    return buf.getvalue()


def _dashboard(**fake):
    from bigmodel_widgets.widgets.device_dashboard import DeviceDashboard

    return DeviceDashboard(backends=[FakeBackend(**fake)], interval=1, autostart=False)


def test_device_dashboard_in_chinese(zh, tmp_path):
    dash = _dashboard(cores=2, gpus=1, seed=1)
    try:
        assert dash.pause.description == "暂停" and dash.interval.description == "采样间隔（秒）"
        assert dash.chart.texts == {"now": "现在", "na": "无数据"}
        dash.sampler.sample()
        with dash.run("run_1"):
            dash.training.epoch(1)
            dash.sampler.sample()
        dash.sampler.sample()
        assert "已停止" in dash.status.value and "本进程" in dash.summary.value
        assert (
            "1 个 GPU" in dash.gpu_label.value and "本进程占用的 GPU 显存" in dash.gpu_label.value
        )
        titles = [p["title"] for p in dash.chart.data["panels"]]
        assert {"CPU", "本进程", "GPU 利用率", "GPU 显存"} <= set(titles)
        assert "第 1 轮" in [m["label"] for m in dash.chart.data["marks"]]
        dash.export(tmp_path / "run_1")
        dash.compare(tmp_path / "run_1.json")
        assert "已载入 run_1" in dash.comparison.value and "来源" in dash.comparison.value
        assert english_left(visible_strings(dash), names=("Fake",)) == []  # a device's name
        dash.start_button.click()
        dash.pause.value = True
        assert dash.pause.description == "继续" and "已暂停" in dash.status.value
        dash.stop_button.click()
        dash.interval.value = 0.0  # a bad interval: a Chinese message
        assert dash.errors.message.startswith("采样间隔：采样间隔（秒） 必须是")
        (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
        dash.compare(tmp_path / "bad.json")
        assert "bad.json：不是有效的 JSON" in dash.errors.message
        assert english_left(visible_strings(dash), names=("Fake",)) == []
    finally:
        dash.close()


@pytest.mark.parametrize(
    "fake, shown",
    [({"gpus": 0}, "未发现 GPU（NVML 检测到 0 个设备）"), ({"nvml_missing": True}, "NVML 不可用")],
)
def test_dashboard_without_a_gpu_says_so_in_chinese(zh, fake, shown):
    dash = _dashboard(**fake)
    try:
        dash.sampler.sample()
        assert shown in dash.gpu_label.value and "不可用（没有 GPU）" in dash.gpu_label.value
        assert english_left(visible_strings(dash)) == []
    finally:
        dash.close()


def test_pipeline_lab_in_chinese(zh):
    from bigmodel_widgets.widgets.pipeline_lab import PipelineLab

    dash = _dashboard()
    view = PipelineLab(images=8, epochs=2, batch_size=4, dashboard=dash)
    try:
        assert view.run_button.description == "训练" and view.prefetch.description == "预取"
        assert view.parallel_calls.options[0] == ("无", 0)
        view.run_button.click()
        assert view.errors.message == "", view.errors.message
        assert "已完成 4 步" in view.live.value and "稳态" in view.results.value
        assert re.search(r"第\s+1 步（第 1 轮）", view.steps_view.value)
        assert view.runs[-1].settings.label().startswith("逐步的数据增强，并行调用：无")
        assert english_left(visible_strings(view)) == []
        few = PipelineLab(images=4, epochs=1, batch_size=8)
        few.run_button.click()  # fewer images than one batch: a Chinese error
        assert few.errors.message == "输入流水线实验：图像至少要有 batch_size=8 张，现在只有 4 张"
        assert english_left(visible_strings(few)) == []
    finally:
        dash.close()


def test_speech_explorer_in_chinese(zh, trained):
    from bigmodel_widgets.widgets.speech_explorer import SpeechExplorer

    recognizer, split = trained
    ex = SpeechExplorer(recognizer, split=split)
    # the file names of the bundled recordings are options; without them, the install command
    names = () if len(ex.recording.options) > 1 else ("apt-get", "install", "pocketsphinx-testdata")
    assert ex.example.description == "测试样例" and ex.build_string.description == "生成数字串"
    assert "预测为" in ex.prediction.value and "实际说的是" in ex.prediction.value
    assert english_left(visible_strings(ex), names=names) == []
    ex.read_wav_string.click()  # nothing loaded yet: a Chinese error
    assert ex.errors.message == "WAV 数字串：请先载入一个 WAV（录音或上传的文件）"
    assert english_left(visible_strings(ex), names=names) == []

    ex.load_wav_bytes(_wav(fe.synth_tone(700.0, 0.4, 16000)), "tone.wav")  # an upload
    assert ex.errors.message == "" and "模型识别为" in ex.wave_info.value
    assert "已从 16000 Hz 重采样到 22050 Hz" in ex.wave_info.value
    ex.build_string.click()  # a built digit string, read
    assert ex.errors.message == "" and "识别结果" in ex.string_info.value
    assert "置信度" in ex.string_info.value
    assert english_left(visible_strings(ex)) == []

    silence = np.full((40, 13), 5.0, np.float32)
    silence[:, 0] = -620
    ex.show_string(silence)  # a note, not an error
    assert "只有静音" in ex.string_info.value and "（无）" in ex.string_info.value
    assert english_left(visible_strings(ex)) == []

    ex.load_wav_bytes(_wav(np.zeros(8000)), "quiet.wav")  # bad inputs: Chinese errors
    assert ex.errors.message.startswith("quiet.wav：音频是无声的")
    assert english_left(visible_strings(ex)) == []
    ex.show_string(np.zeros((20, 12)))
    assert "应为 (帧数, 13)" in ex.errors.message
    ex.load_wav_bytes(b"", "empty.wav")
    assert ex.errors.message == "empty.wav：上传的文件是空的（0 字节）"
    assert english_left(visible_strings(ex)) == []

    mic = ex.microphone  # the browser's texts come from the kernel, in Chinese
    assert mic.texts["record"] == "录音 {seconds} 秒" and "麦克风权限被拒绝" in mic.texts["denied"]
    mic.set_state({"state": "error", "message": mic.texts["denied"]})
    assert ex.errors.message.startswith("麦克风：麦克风权限被拒绝")
    assert english_left(visible_strings(ex)) == []


def test_english_shows_no_chinese(en, trained):
    from bigmodel_widgets.widgets.pipeline_lab import PipelineLab
    from bigmodel_widgets.widgets.speech_explorer import SpeechExplorer

    recognizer, split = trained
    dash = _dashboard(gpus=1)
    try:
        dash.sampler.sample()
        ex = SpeechExplorer(recognizer, split=split)
        ex.build_string.click()
        ex.load_wav_bytes(b"", "empty.wav")
        lab = PipelineLab(images=16, dashboard=dash)
        for widget in (dash, ex, lab, ex.microphone):
            shown = visible_strings(widget) if widget is not ex.microphone else []
            assert not [s for s in shown if CJK.search(s)]
        assert not any(CJK.search(v) for v in ex.microphone.texts.values())
        assert not any(CJK.search(p["title"]) for p in dash.chart.data["panels"])
        assert ex.errors.message == "empty.wav: the upload is empty (0 bytes)"
        assert dash.pause.description == "pause" and "running" not in dash.status.value
    finally:
        dash.close()


def test_chapter_two_engine_messages_in_chinese(zh):
    from bigmodel_widgets.engine.parallel import (
        make_strategy,
        resolve_device,
        run_multi_worker,
        train_mlp,
    )

    with pytest.raises(ValueError, match=r"^global_batch=33 必须能被 workers=2 整除$"):
        run_multi_worker(workers=2, global_batch=33)
    with pytest.raises(ValueError, match="必须能被 replicas=2 整除"):
        train_mlp("default", replicas=2, global_batch=63)
    with pytest.raises(ValueError, match="需要 64 个设备"):
        make_strategy("mirrored", replicas=64)
    with pytest.raises(ValueError, match="^未知的设备名 '/TPU:0'"):
        resolve_device("/TPU:0")
    assert resolve_device("/GPU:7").message.startswith("/GPU:7 不可用（")
