"""The live widgets' texts, English and Simplified Chinese side by side (issue 17): the device
dashboard (``dash.``), the input-pipeline lab (``pipe.``), the microphone (``mic.``) and the
speech explorer with the speech engine's messages (``speech.``). Key -> (English, 中文)."""

__all__ = ["EN", "ZH"]

_TEXTS: dict[str, tuple[str, str]] = {
    # widgets/device_dashboard.py; engine/devices (chart panels, GPU lines, errors)
    "dash.interval": ("interval (s)", "采样间隔（秒）"),
    "dash.what_interval": ("interval", "采样间隔"),
    "dash.pause": ("pause", "暂停"),
    "dash.resume": ("resume", "继续"),
    "dash.stop": ("stop", "停止"),
    "dash.start": ("start", "开始"),
    "dash.export": ("export", "导出"),
    "dash.compare": ("compare", "比较"),
    "dash.state.running": ("running", "运行中"),
    "dash.state.paused": ("paused", "已暂停"),
    "dash.state.stopped": ("stopped", "已停止"),
    "dash.status": (
        "{state} · every {interval} s · {n} samples",
        "{state} · 每 {interval} 秒采样一次 · 已采样 {n} 次",
    ),
    "dash.gpu": ("GPU:", "GPU："),
    "dash.gpu_process": ("this process on the GPU: {memory}", "本进程占用的 GPU 显存：{memory}"),
    "dash.summary": (
        "CPU {cpu} · RAM {ram} · this process {rss}",
        "CPU {cpu} · RAM {ram} · 本进程 {rss}",
    ),
    "dash.na": ("n/a", "无数据"),
    "dash.now": ("now", "现在"),
    "dash.exported": ("exported {csv} and {json}", "已导出 {csv} 和 {json}"),
    "dash.loaded": ("loaded {name}", "已载入 {name}"),
    "dash.this_dashboard": ("this dashboard", "本仪表板"),
    "dash.col.source": ("source", "来源"),
    "dash.col.run": ("run", "训练运行"),
    "dash.col.seconds": ("s", "秒"),
    "dash.col.epochs": ("epochs", "轮数"),
    "dash.col.rate": ("samples/s", "样本/秒"),
    "dash.col.peak": ("peak MiB", "内存峰值 MiB"),
    "dash.no_runs": ("no finished training run yet", "还没有已完成的训练运行"),
    "dash.panel.cpu": ("CPU", "CPU"),
    "dash.panel.ram": ("RAM", "RAM"),
    "dash.panel.process": ("this process", "本进程"),
    "dash.panel.gpu_util": ("GPU utilisation", "GPU 利用率"),
    "dash.panel.gpu_mem": ("GPU memory", "GPU 显存"),
    "dash.panel.training": ("training", "训练"),
    "dash.line.total": ("total", "总计"),
    "dash.line.core": ("core {core}", "核心 {core}"),
    "dash.line.used": ("used", "已用"),
    "dash.line.resident": ("resident", "常驻内存"),
    "dash.line.no_run": ("(no run)", "（无运行）"),
    "dash.epoch": ("epoch {n}", "第 {n} 轮"),
    "dash.no_sample": ("no sample yet", "还没有采样"),
    "dash.gpus": ("{n} GPU(s): {names}", "{n} 个 GPU：{names}"),
    "dash.no_gpu": ("no GPU found", "未发现 GPU"),
    "dash.no_gpu_nvml": (
        "no GPU found (NVML sees 0 devices)",
        "未发现 GPU（NVML 检测到 0 个设备）",
    ),
    "dash.nvml_na": ("NVML not available: {detail}", "NVML 不可用：{detail}"),
    "dash.nvml_read_failed": (
        "GPU {index}: NVML read failed: {detail}",
        "GPU {index}：NVML 读取失败：{detail}",
    ),
    "dash.backend_failed": ("{backend} failed: {detail}", "{backend} 读取失败：{detail}"),
    "dash.detail.no_pynvml": ("nvidia-ml-py is not installed", "未安装 nvidia-ml-py"),
    "dash.detail.fake_no_driver": ("fake backend without a driver", "模拟后端，没有驱动"),
    "dash.detail.fake_failure": ("fake failure", "模拟的故障"),
    "dash.gpu_na": ("not available", "不可用"),
    "dash.gpu_na_none": ("not available (no GPU)", "不可用（没有 GPU）"),
    "dash.interval_name": ("interval (seconds)", "采样间隔（秒）"),
    "dash.run_name": (
        "a run needs a non-empty name, got {name}",
        "训练运行需要一个非空的名字，收到的是 {name}",
    ),
    "dash.not_a_run": (
        "not an exported dashboard run (no 'format': 'bmw-device-run')",
        "这不是导出的仪表板运行记录（缺少 'format': 'bmw-device-run'）",
    ),
    "dash.run_version": (
        "run format version {got}, expected {want}",
        "运行记录的格式版本是 {got}，应为 {want}",
    ),
    "dash.json_where": ("line {line} column {col}", "第 {line} 行第 {col} 列"),
    "dash.bad_json": ("{name}: not valid JSON ({detail})", "{name}：不是有效的 JSON（{detail}）"),
    # engine/parallel (chapter 2, beside the dashboard)
    "dash.par.split_late": (
        "TensorFlow already started with {have} logical CPU device(s), so it cannot be split "
        "into {n} now ({detail}). Call split_cpu({n}) first thing after import (restart the "
        "kernel), or use run_isolated(), which runs in a fresh process.",
        "TensorFlow 已经以 {have} 个逻辑 CPU 设备启动，现在无法再拆分成 {n} 个（{detail}）。"
        "请在导入后第一件事就调用 split_cpu({n})（先重启内核），或者使用 run_isolated()，"
        "它在一个全新的进程中运行。",
    ),
    "dash.par.too_few_devices": (
        "replicas={replicas} needs {replicas} devices but this process has {gpus} GPU(s) and "
        "{cpus} logical CPU(s); call split_cpu({replicas}) before TensorFlow starts or use "
        "run_isolated(..., logical_cpus=N)",
        "replicas={replicas} 需要 {replicas} 个设备，但本进程只有 {gpus} 个 GPU 和 {cpus} 个逻辑 CPU；"
        "请在 TensorFlow 启动前调用 split_cpu({replicas})，或使用 run_isolated(..., logical_cpus=N)",
    ),
    "dash.par.mp_no_gpu": (
        "no GPU found: mixed_float16 on a CPU is emulated and slower",
        "未发现 GPU：在 CPU 上 mixed_float16 是模拟出来的，反而更慢",
    ),
    "dash.par.mp_yes": (
        "GPU compute capability {cc} has float16 tensor cores",
        "GPU 计算能力 {cc}，有 float16 张量核心",
    ),
    "dash.par.mp_old": (
        "GPU compute capability {cc} < 7.0: no float16 speed-up",
        "GPU 计算能力 {cc} < 7.0：float16 不会更快",
    ),
    "dash.par.mp_not_used": ("mixed precision not used: {why}", "没有使用混合精度：{why}"),
    "dash.par.stopped": (
        "stopped early after {done} of {epochs} epoch(s)",
        "提前停止：{epochs} 轮中只完成了 {done} 轮",
    ),
    "dash.par.default_placement": (
        "(TensorFlow's default placement)",
        "（TensorFlow 的默认设备分配）",
    ),
    "dash.par.uneven": (
        "global_batch={batch} must divide evenly over {what}={n}",
        "global_batch={batch} 必须能被 {what}={n} 整除",
    ),
    "dash.par.batch_too_big": (
        "global_batch={batch} is larger than the {n} training images",
        "global_batch={batch} 比训练图像的总数 {n} 还大",
    ),
    "dash.par.bad_name": (
        "unknown device name {name}: use '/CPU:k' or '/GPU:k' "
        "(optionally '/job:worker/task:0/device:GPU:0')",
        "未知的设备名 {name}：请使用 '/CPU:k' 或 '/GPU:k'（也可以写成 '/job:worker/task:0/device:GPU:0'）",
    ),
    "dash.par.no_such_cpu": (
        "unknown device name {name}: this process has {n} logical CPU device(s) {cpus} "
        "(split_cpu(n) adds more, before TF starts)",
        "未知的设备名 {name}：本进程有 {n} 个逻辑 CPU 设备 {cpus}（在 TF 启动前用 split_cpu(n) 可以增加）",
    ),
    "dash.par.only_gpus": ("only {n} GPU(s): {names}", "只有 {n} 个 GPU：{names}"),
    "dash.par.fell_back": (
        "{name} is not available ({found}); running on /CPU:0",
        "{name} 不可用（{found}）；改在 /CPU:0 上运行",
    ),
    "dash.par.worker": ("worker", "工作节点"),
    "dash.par.child": ("child", "子进程"),
    "dash.par.died": (
        "{what} {i} died with exit code {code}; the other {what}(s) were stopped. Last output:",
        "{what} {i} 意外退出，退出码 {code}；其他{what}已停止。最后的输出：",
    ),
    "dash.par.no_result": (
        "{what} {i} exited without a result. Last output:",
        "{what} {i} 退出了，但没有给出结果。最后的输出：",
    ),
    "dash.par.timeout": (
        "{what}s did not finish within {s} s and were stopped. Last output of {what} 0:",
        "{what}没有在 {s} 秒内完成，已被停止。{what} 0 的最后输出：",
    ),
    # widgets/pipeline_lab.py and engine/augment/pipeline_lab.py
    "pipe.fused": ("fused augmentation", "融合的数据增强"),
    "pipe.steps_aug": ("step-by-step augmentation", "逐步的数据增强"),
    "pipe.parallel": ("parallel calls", "并行调用数"),
    "pipe.prefetch": ("prefetch", "预取"),
    "pipe.cache": ("cache decoded images", "缓存解码后的图像"),
    "pipe.train": ("train", "训练"),
    "pipe.none": ("none", "无"),
    "pipe.autotune": ("autotune", "自动调节"),
    "pipe.auto": ("auto", "自动"),
    "pipe.on": ("on", "开"),
    "pipe.off": ("off", "关"),
    "pipe.label": (
        "{augment}, parallel calls {parallel}, prefetch {prefetch}, cache {cache}",
        "{augment}，并行调用：{parallel}，预取：{prefetch}，缓存：{cache}",
    ),
    "pipe.what": ("pipeline lab", "输入流水线实验"),
    "pipe.making": ("making the photo files…", "正在生成照片文件……"),
    "pipe.step": ("step {step} (epoch {epoch})", "第 {step} 步（第 {epoch} 轮）"),
    "pipe.waiting_ms": ("waiting {ms} ms", "等待 {ms} ms"),
    "pipe.computing_ms": ("computing {ms} ms", "计算 {ms} ms"),
    "pipe.waiting_pct": ("waiting {pct}", "等待 {pct}"),
    "pipe.computing_pct": ("computing {pct}", "计算 {pct}"),
    "pipe.live": (
        "{label}: step {done}, {waiting} / {computing} so far",
        "{label}：已完成 {done} 步，目前 {waiting} / {computing}",
    ),
    "pipe.steady": (
        "Steady state: steps after the first epoch.",
        "稳态：只统计第一轮之后的各步。",
    ),
    "pipe.col.pipeline": ("input pipeline", "输入流水线"),
    "pipe.col.rate": ("images/s", "图像/秒"),
    "pipe.col.waiting": ("waiting", "等待占比"),
    "pipe.col.wait_ms": ("wait ms/step", "每步等待 ms"),
    "pipe.col.compute_ms": ("compute ms/step", "每步计算 ms"),
    "pipe.too_few": (
        "need at least batch_size={batch_size} images, got {n}",
        "图像至少要有 batch_size={batch_size} 张，现在只有 {n} 张",
    ),
    "pipe.one_epoch": ("one epoch only: the cache never gets read", "只训练了一轮：缓存从未被读取"),
    # widgets/_microphone.py (the browser shows these; the kernel sends them)
    "mic.name": ("microphone", "麦克风"),
    "mic.error": ("microphone: {message}", "麦克风：{message}"),
    "mic.record": ("record {seconds} s", "录音 {seconds} 秒"),
    "mic.recording": ("recording…", "正在录音……"),
    "mic.recorded": ("recorded {seconds} s at {rate} Hz", "已录制 {seconds} 秒（{rate} Hz）"),
    "mic.denied": (
        "microphone access was denied: allow the microphone for this page "
        "(the icon in the address bar) and press record again",
        "麦克风权限被拒绝：请允许此页面使用麦克风（点击地址栏中的图标），然后再按一次录音",
    ),
    "mic.not_found": (
        "no microphone found: plug one in (or pick one in the system settings) "
        "and press record again",
        "没有找到麦克风：请接上麦克风（或在系统设置中选择一个），然后再按一次录音",
    ),
    "mic.busy": (
        "the microphone is busy or failed to start (another program may hold it)",
        "麦克风正被占用或无法启动（可能有其他程序在使用它）",
    ),
    "mic.overconstrained": (
        "no microphone matches the requested settings",
        "没有符合所需设置的麦克风",
    ),
    "mic.no_media": (
        "this page cannot use a microphone: the browser offers none here "
        "(it needs https or localhost)",
        "此页面无法使用麦克风：浏览器在这里不提供麦克风（需要 https 或 localhost）",
    ),
    "mic.could_not_start": ("the microphone could not start: ", "麦克风无法启动："),
    "mic.seconds_range": (
        "seconds must lie in [0.25, 30], got {value}",
        "seconds 必须在 [0.25, 30] 之内，收到的是 {value}",
    ),
    # widgets/speech_explorer.py and widgets/_speech_string.py
    "speech.training": ("training the {kind} speech model", "正在训练语音模型（{kind}）"),
    "speech.example": ("test example", "测试样例"),
    "speech.upload": ("upload WAV", "上传 WAV"),
    "speech.recording": ("recording", "录音"),
    "speech.mix": ("mix stereo to mono", "立体声混成单声道"),
    "speech.none": ("(none)", "（无）"),
    "speech.digits": ("digits", "数字个数"),
    "speech.seed": ("seed", "随机种子"),
    "speech.build": ("build a string", "生成数字串"),
    "speech.read_wav": ("read the WAV as a string", "把 WAV 当作数字串识别"),
    "speech.read_wav_tip": (
        "segment and read the loaded recording or upload (streamed in chunks)",
        "对已载入的录音或上传的文件分段并识别（分块流式读取）",
    ),
    "speech.head.dataset": ("Held-out recordings (dataset MFCCs)", "留出集录音（数据集的 MFCC）"),
    "speech.head.audio": ("Your audio (tf.signal front end)", "你的音频（tf.signal 前端）"),
    "speech.head.string": (
        "<b>A spoken digit string</b> (held-out recordings joined with silence, or your WAV)",
        "<b>数字串</b>（用静音连接起来的留出集录音，或你的 WAV）",
    ),
    "speech.testdata_na": ("pocketsphinx-testdata not available", "没有 pocketsphinx-testdata"),
    "speech.bundled_na": (
        "Bundled recordings: not available (apt-get install pocketsphinx-testdata). "
        "Upload a WAV instead.",
        "自带的录音：不可用（apt-get install pocketsphinx-testdata）。请改为上传 WAV。",
    ),
    "speech.correct": ("correct", "正确"),
    "speech.wrong": ("wrong", "错误"),
    "speech.predicted": (
        "predicted <b>{digit}</b> (spoken {spoken}, {verdict}; {frames} frames)",
        "预测为 <b>{digit}</b>（实际说的是 {spoken}，{verdict}；共 {frames} 帧）",
    ),
    "speech.explaining": ("explaining the test example", "解释测试样例"),
    "speech.string": ("digit string", "数字串"),
    "speech.wav_string": ("WAV digit string", "WAV 数字串"),
    "speech.load_first": (
        "load a WAV first (a recording or an upload)",
        "请先载入一个 WAV（录音或上传的文件）",
    ),
    "speech.close": ("close to the training data", "接近训练数据"),
    "speech.outside": (
        "<b>outside the training data</b> (MFCC {k} is {z} std away): this prediction says little",
        "<b>超出了训练数据的范围</b>（MFCC {k} 偏离了 {z} 个标准差）：这个预测参考价值不大",
    ),
    "speech.wave_head": (
        "{name}: {seconds} s, {rate} Hz, {channels} channel(s), {frames} MFCC frames",
        "{name}：{seconds} 秒，{rate} Hz，{channels} 个声道，{frames} 个 MFCC 帧",
    ),
    "speech.model_says": (
        "model says {digit} ({p}); features are {verdict}.",
        "模型识别为 {digit}（{p}）；特征{verdict}。",
    ),
    "speech.not_dataset": (
        "These MFCCs come from this package's tf.signal front end, a reconstruction of the "
        "dataset's (unpublished) pipeline from recordings of other speakers and microphones: "
        "they do not match the training features exactly.",
        "这些 MFCC 来自本软件包的 tf.signal 前端。它是根据其他说话人、其他麦克风的录音，"
        "对数据集（未公开的）特征流水线的重建，因此与训练特征并不完全一致。",
    ),
    "speech.string_caveat": (
        "Front-end features are not the dataset's (see above): the segments are meaningful, "
        "the digits only as far as the features match.",
        "前端算出的特征与数据集的不同（见上文）：分段是可信的，识别出的数字只在特征吻合的程度上可信。",
    ),
    "speech.read": ("read {text}{verdict}", "识别结果 {text}{verdict}"),
    "speech.nothing": ("(nothing)", "（无）"),
    "speech.spoken_errors": (
        "(spoken {spoken}: {errors} digit error(s))",
        "（实际说的是 {spoken}：{errors} 个数字错误）",
    ),
    "speech.col.segment": ("segment", "片段"),
    "speech.col.frames": ("frames", "帧"),
    "speech.col.digit": ("digit", "数字"),
    "speech.col.confidence": ("confidence", "置信度"),
    "speech.more": ("... {n} more segments", "……还有 {n} 个片段"),
    # widgets/_render.py and the plots (Chinese only where a CJK font exists, else English)
    "speech.no_tiles": ("tiles is empty", "没有可拼接的图块（tiles 是空的）"),
    "speech.encode_failed": ("{format} encoding failed", "{format} 编码失败"),
    "speech.plot.frame": ("frame", "帧"),
    "speech.plot.example": ("test example {i}: spoken {label}", "测试样例 {i}：说的是 {label}"),
    "speech.plot.waveform": ("waveform (mono, 22,050 Hz)", "波形（单声道，22,050 Hz）"),
    "speech.plot.spectrogram": ("power spectrogram (dB)", "功率频谱图（dB）"),
    "speech.plot.mel": ("log-mel (128 bands)", "对数梅尔频谱图（128 个梅尔频带）"),
    "speech.plot.mfcc": ("MFCC (13)", "MFCC（13 个）"),
    "speech.plot.band": ("band", "梅尔频带"),
    "speech.plot.coefficient": ("coefficient", "系数"),
    "speech.plot.s": ("s", "秒"),
    "speech.plot.seconds": ("seconds", "秒"),
    "speech.plot.smoothed": ("c0, smoothed", "c0（平滑后）"),
    "speech.plot.low": ("low threshold", "低阈值"),
    "speech.plot.high": ("high threshold", "高阈值"),
    "speech.plot.true": ("true recording", "真实录音"),
    "speech.plot.energy": ("c0 (energy)", "c0（能量）"),
    "speech.plot.read": ("read {text}", "识别结果 {text}"),
    "speech.plot.read_spoken": (
        "read {text}, spoken {spoken}",
        "识别结果 {text}，实际说的是 {spoken}",
    ),
    # engine/tasks/speech: frontend.py, _wavstream.py, segment.py, strings.py
    "speech.upload_empty": ("the upload is empty (0 bytes)", "上传的文件是空的（0 字节）"),
    "speech.not_wav": (
        "not a WAV file: the RIFF/WAVE header is missing (starts with {start}); "
        "upload a .wav recording",
        "这不是 WAV 文件：缺少 RIFF/WAVE 文件头（开头是 {start}）；请上传 .wav 录音",
    ),
    "speech.no_file": ("no such WAV file: {path}", "找不到 WAV 文件：{path}"),
    "speech.unreadable": ("not a readable WAV file: {detail}", "无法读取的 WAV 文件：{detail}"),
    "speech.unreadable_paren": (
        "not a readable WAV file ({detail})",
        "无法读取的 WAV 文件（{detail}）",
    ),
    "speech.no_chunks": ("no 'fmt ' or 'data' chunk", "没有 'fmt ' 或 'data' 块"),
    "speech.unsupported": (
        "unsupported WAV: {bits}-bit samples at {rate} Hz",
        "不支持的 WAV：{bits} 位采样，{rate} Hz",
    ),
    "speech.no_samples": ("the WAV file holds no samples", "WAV 文件里没有任何采样"),
    "speech.audio_empty": ("the audio is empty (0 samples)", "音频是空的（0 个采样）"),
    "speech.audio_nan": (
        "the audio contains {n} NaN or infinite samples",
        "音频中有 {n} 个 NaN 或无穷大的采样",
    ),
    "speech.mixed": ("mixed {n} channels down to mono", "已把 {n} 个声道混成单声道"),
    "speech.not_mono": (
        "the audio has shape {shape} ({channels} channels); the front end takes mono - mix it "
        "down (mix_stereo=True) or pick one channel",
        "音频的形状是 {shape}（{channels} 个声道）；前端只接受单声道：请混成单声道"
        "（mix_stereo=True）或只取一个声道",
    ),
    "speech.wav_not_mono": (
        "the WAV has {channels} channels; the front end takes mono - mix it down "
        "(mix_stereo=True) or pick one channel",
        "这个 WAV 有 {channels} 个声道；前端只接受单声道：请混成单声道（mix_stereo=True）或只取一个声道",
    ),
    "speech.silent": (
        "the audio is silent (peak {peak} of full scale 1.0)",
        "音频是无声的（峰值 {peak}，满幅为 1.0）",
    ),
    "speech.too_short": (
        "the audio is too short: {n} samples at {rate} Hz ({ms} ms); at least {need} are "
        "needed for 3 MFCC frames (the Conv1D kernel_size)",
        "音频太短：{n} 个采样，{rate} Hz（{ms} ms）；至少需要 {need} 个采样才能得到 3 个 MFCC 帧"
        "（Conv1D 的 kernel_size）",
    ),
    "speech.too_short_frontend": (
        "the audio is too short: {n} samples; need {need}",
        "音频太短：{n} 个采样；至少需要 {need} 个",
    ),
    "speech.resampled": (
        "resampled {rate} Hz -> {target} Hz (the rate the dataset's MFCC pipeline appears to use)",
        "已从 {rate} Hz 重采样到 {target} Hz（数据集的 MFCC 流水线看来用的是这个采样率）",
    ),
    "speech.resampled_chunks": (
        "resampled {rate} Hz -> {target} Hz chunk by chunk",
        "已逐块从 {rate} Hz 重采样到 {target} Hz",
    ),
    "speech.chunks": (
        "{chunks} chunks of {frames} frames, each with overlap",
        "分成 {chunks} 块，每块 {frames} 帧，块与块之间有重叠",
    ),
    "speech.bad_shape": (
        "{name} has shape {shape}; expected (frames, {n}): the recognizer reads the dataset's "
        "{n} MFCCs per frame",
        "{name} 的形状是 {shape}；应为 (帧数, {n})：识别器每帧读取数据集的 {n} 个 MFCC",
    ),
    "speech.frames_empty": ("{name} is empty (0 frames)", "{name} 是空的（0 帧）"),
    "speech.frames_nan": (
        "{name} contains NaN or infinite values",
        "{name} 中含有 NaN 或无穷大的值",
    ),
    "speech.silence_only": (
        "silence only: c0 stays near {level} (below {quiet})",
        "只有静音：c0 一直在 {level} 附近（低于 {quiet}）",
    ),
    "speech.no_pause_flat": (
        "no pause found: energy varies by {range} (< {min_range}), so all {n} frames are one "
        "segment; digits spoken without pauses cannot be told apart by energy",
        "没有找到停顿：能量的变化只有 {range}（< {min_range}），所以全部 {n} 帧算作一个片段；"
        "不带停顿连着说的数字无法靠能量分开",
    ),
    "speech.no_long_segment": (
        "no segment long enough: only short bursts of energy",
        "没有足够长的片段：只有短促的能量突起",
    ),
    "speech.no_pause_one": (
        "no pause found: one segment covers {length} of {n} frames; it is read as one digit "
        "(digits spoken without pauses cannot be told apart by energy)",
        "没有找到停顿：一个片段占了 {n} 帧中的 {length} 帧，按一个数字识别"
        "（不带停顿连着说的数字无法靠能量分开）",
    ),
    "speech.seg_too_short": (
        "too short: {n} frame(s); a digit needs at least {need}",
        "太短：只有 {n} 帧；一个数字至少需要 {need} 帧",
    ),
    "speech.split_long": (
        "frames {a}-{b} are longer than the longest training recording ({longest} frames): "
        "split at the quietest frame(s) into {pieces}",
        "第 {a}-{b} 帧比最长的训练录音（{longest} 帧）还长：在最安静的帧处切成了 {pieces} 段",
    ),
    "speech.low_high": (
        "low ({low}) must not exceed high ({high})",
        "low（{low}）不能大于 high（{high}）",
    ),
    "speech.min_range": (
        "min_range must be positive, got {value}",
        "min_range 必须是正数，收到的是 {value}",
    ),
    "speech.no_speech": ("no speech found", "没有找到语音"),
}

EN = {key: pair[0] for key, pair in _TEXTS.items()}
ZH = {key: pair[1] for key, pair in _TEXTS.items()}
