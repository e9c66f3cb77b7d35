"""Chapter 2's exercises (parallel computing), answered by ``engine.parallel`` now."""

from __future__ import annotations

from ._registry import Exercise, close, register, same, same_int

__all__: list[str] = []


def _steps(global_batch, seed):
    from ..parallel import load_mnist_split

    return len(load_mnist_split(seed)[0]) // global_batch


register(
    Exercise(
        id="ch2.steps_per_epoch",
        chapter=2,
        kind="compute",
        title={"en": "Steps per epoch", "zh": "每轮的步数"},
        question={
            "en": "train_mlp feeds whole batches only. With a global batch of 64 on the training "
            "part of the MNIST-5k split (seed 0), how many steps make one epoch? Does the "
            "number change with 2 replicas?",
            "zh": "train_mlp 只使用完整的批。在 MNIST-5k 划分（种子 0）的训练部分上，"
            "全局批大小为 64 时，一轮有多少步？换成 2 个副本时这个数会变吗？",
        },
        hint={
            "en": "Training examples (bmw.parallel.load_mnist_split) divided by the global "
            "batch, rounded down; replicas split each batch, not the epoch.",
            "zh": "训练样本数（bmw.parallel.load_mnist_split）除以全局批大小并向下取整；"
            "副本分的是每个批，而不是整轮。",
        },
        solve=_steps,
        compare=same_int,
        form="int",
        inputs=lambda: {"global_batch": 64, "seed": 0},
        solution="x_train, y_train, x_test, y_test = bmw.parallel.load_mnist_split(0)\n"
        "answer = len(x_train) // 64",
    )
)


def _allreduce_bytes(seed):
    from ..parallel import build_mlp

    return int(build_mlp(seed).count_params()) * 4


register(
    Exercise(
        id="ch2.allreduce_bytes",
        chapter=2,
        kind="predict",
        title={"en": "What the replicas exchange", "zh": "副本之间交换多少数据"},
        question={
            "en": "Under MirroredStrategy every replica sums its gradients with the others' after "
            "each step. Predict how many bytes of float32 gradients one replica contributes per "
            "step for the chapter's MLP, then measure it from bmw.parallel.build_mlp().",
            "zh": "在 MirroredStrategy 下，每一步之后每个副本都要把自己的梯度与其他副本求和。"
            "先预测本章的 MLP 每一步每个副本贡献多少字节的 float32 梯度，"
            "再用 bmw.parallel.build_mlp() 测量。",
        },
        hint={
            "en": "One gradient per parameter, 4 bytes each: count_params() x 4.",
            "zh": "每个参数一个梯度，每个 4 字节：count_params() × 4。",
        },
        solve=_allreduce_bytes,
        compare=close(0.02),
        inputs=lambda: {"seed": 0},
        solution="answer = bmw.parallel.build_mlp(0).count_params() * 4",
    )
)


def _where(name):
    from ..parallel import resolve_device

    return resolve_device(name).device


register(
    Exercise(
        id="ch2.fallback",
        chapter=2,
        kind="explain",
        title={"en": "Asking for a GPU that is not there", "zh": "请求一块不存在的 GPU"},
        question={
            "en": "The text pins work with tf.device('/GPU:3'). On this machine, where does that "
            "work really run? Give the device name, e.g. '/CPU:0', and explain what "
            "bmw.place reports when it falls back.",
            "zh": "教材用 tf.device('/GPU:3') 指定设备。在这台机器上，这些计算实际在哪里运行？"
            "给出设备名（如 '/CPU:0'），并解释回退时 bmw.place 报告了什么。",
        },
        hint={
            "en": "A GPU index this machine does not have falls back to the first CPU; "
            "bmw.resolve_device('/GPU:3') tells you.",
            "zh": "这台机器没有的 GPU 编号会回退到第一个 CPU；bmw.resolve_device('/GPU:3') 会告诉你。",
        },
        solve=_where,
        compare=same,
        form="label",
        inputs=lambda: {"name": "/GPU:3"},
        solution='answer = bmw.resolve_device("/GPU:3").device',
    )
)


register(
    Exercise(
        id="ch2.open_two_cores",
        chapter=2,
        kind="open",
        title={"en": "Two replicas on two cores", "zh": "两个核心上的两个副本"},
        question={
            "en": "On a 2-core machine, MirroredStrategy over 2 logical CPUs is not twice as fast "
            "as one device, and can be slower. Explain why, and say when data parallelism pays.",
            "zh": "在 2 核机器上，把 MirroredStrategy 分到 2 个逻辑 CPU 上并不会快一倍，甚至可能更慢。"
            "请解释原因，并说明数据并行在什么情况下才划算。",
        },
        rubric={
            "en": (
                "logical CPUs share the same cores: TensorFlow already used both for one device",
                "each step adds a gradient all-reduce and synchronisation",
                "it pays with separate accelerators, models whose step time dominates the "
                "exchange, and large enough per-replica batches",
            ),
            "zh": (
                "逻辑 CPU 共享同样的物理核心：单设备时 TensorFlow 已经用满了两个核",
                "每一步都多出梯度 all-reduce 和同步的开销",
                "在有独立加速器、每步计算时间远大于通信、每个副本的批足够大时才划算",
            ),
        },
    )
)


# --- the input-pipeline lab (issue 18) -------------------------------------------------------
def _input_wait(run):
    return run.wait_fraction


def _example_run():
    from ..augment.pipeline_lab import example_run

    return {"run": example_run()}


register(
    Exercise(
        id="ch2.input_wait",
        chapter=2,
        kind="compute",
        title={"en": "Is training waiting for data?", "zh": "训练在等数据吗？"},
        question={
            "en": "A pipeline-lab run records, for every step, the seconds spent waiting for the "
            "batch (wait_s) and computing on it (compute_s). What fraction of the steady-state "
            "time (the steps of run.steady(), after the first epoch) was spent waiting for input?",
            "zh": "流水线实验的每一步都记录了等待批数据的秒数（wait_s）和计算的秒数（compute_s）。"
            "在稳定阶段（run.steady() 中第一轮之后的步）里，等待输入占总时间的比例是多少？",
        },
        hint={
            "en": "Sum wait_s and compute_s over run.steady(); the answer is "
            "wait / (wait + compute), a number between 0 and 1.",
            "zh": "对 run.steady() 中的 wait_s 和 compute_s 分别求和；答案是 "
            "wait / (wait + compute)，介于 0 和 1 之间。",
        },
        solve=_input_wait,
        compare=close(0.0, 0.01),
        inputs=_example_run,
        solution='inputs = bmw.exercises.inputs("ch2.input_wait")\n'
        "steps = inputs['run'].steady()\n"
        "wait = sum(s.wait_s for s in steps)\n"
        "answer = wait / (wait + sum(s.compute_s for s in steps))",
    )
)


def _overlap(input_ms, compute_ms):
    from ..augment.pipeline_lab import overlap_wait_fraction

    return overlap_wait_fraction(input_ms, compute_ms, overlapped=True)


register(
    Exercise(
        id="ch2.prefetch_wait",
        chapter=2,
        kind="predict",
        title={"en": "What prefetch can hide", "zh": "预取能藏住多少等待"},
        question={
            "en": "The input pipeline needs 30 ms of work per batch and the model 20 ms per step. "
            "Without prefetch they take turns (30 / 50 = 60 % waiting). Predict the waiting "
            "fraction with prefetch, when the input runs on a spare core beside the model; then "
            "measure a pipeline with the lab and compare.",
            "zh": "输入流水线每批需要 30 ms，模型每步需要 20 ms。没有预取时二者轮流进行"
            "（30 / 50 = 60% 在等待）。预测开启预取、输入在另一个空闲核心上与模型并行时的等待比例；"
            "然后用实验测量一个流水线并比较。",
        },
        hint={
            "en": "Overlapped, a step lasts max(input, compute) and waits only for the part of "
            "the input that compute cannot cover: max(0, input - compute) / max(input, compute).",
            "zh": "并行时一步持续 max(输入, 计算)，只等待计算遮不住的那部分输入："
            "max(0, 输入 - 计算) / max(输入, 计算)。",
        },
        solve=_overlap,
        compare=close(0.0, 0.02),
        inputs=lambda: {"input_ms": 30.0, "compute_ms": 20.0},
        solution="answer = max(0.0, 30.0 - 20.0) / max(30.0, 20.0)",
    )
)


def _loads(cache, images, epochs):
    from ..augment.pipeline_lab import InputSettings, count_loads

    return count_loads(InputSettings(cache=cache), images=images, epochs=epochs)


register(
    Exercise(
        id="ch2.cache_loads",
        chapter=2,
        kind="explain",
        title={"en": "What the cache saves", "zh": "缓存省下了什么"},
        question={
            "en": "Turn the lab's cache on: how many times are the JPEG files decoded while 3 "
            "epochs read 8 photos? (Off, it is 24.) Explain why the cache sits after decoding "
            "but before the random augmentation.",
            "zh": "打开实验的缓存：读取 8 张照片 3 轮时，JPEG 文件一共被解码多少次？"
            "（关闭时是 24 次。）解释为什么缓存放在解码之后、随机增强之前。",
        },
        hint={
            "en": "The first epoch fills the cache, the later ones read decoded images from it; "
            "caching after the augmentation would replay the same random crops every epoch.",
            "zh": "第一轮填满缓存，之后各轮直接读已解码的图像；"
            "如果缓存放在增强之后，每一轮都会重复同样的随机裁剪。",
        },
        solve=_loads,
        compare=same_int,
        form="int",
        inputs=lambda: {"cache": True, "images": 8, "epochs": 3},
        solution="answer = 8  # decoded once each in epoch 1; epochs 2 and 3 read the cache",
    )
)


register(
    Exercise(
        id="ch2.open_input_bound",
        chapter=2,
        kind="open",
        title={"en": "When the input pipeline is the bottleneck", "zh": "当输入流水线成为瓶颈"},
        question={
            "en": "On this 2-core machine, turning every toggle on still leaves some waiting on a "
            "busy day, and num_parallel_calls above 2 does not help. Explain why, and name two "
            "ways to feed a faster accelerator.",
            "zh": "在这台 2 核机器上，所有开关都打开后，机器繁忙时仍有一些等待，"
            "num_parallel_calls 大于 2 也没有帮助。解释原因，并举出两种给更快的加速器供数的方法。",
        },
        rubric={
            "en": (
                "the input work and the model share the same two cores: parallel calls beyond "
                "the core count only add switching",
                "the GIL and the per-image Python call (numpy_function) limit parallel speedup",
                "remedies: cheaper input (fused warp, smaller stored images, cache after "
                "decoding), augmentation on the accelerator, more CPU workers or offline "
                "preprocessing (TFRecord), tf.data service",
            ),
            "zh": (
                "输入处理和模型共用同样的两个核心：超过核心数的并行调用只会增加切换",
                "GIL 和每张图一次的 Python 调用（numpy_function）限制了并行加速",
                "办法：更便宜的输入（融合变换、存更小的图、解码后缓存）、在加速器上做增强、"
                "更多 CPU 工作进程或离线预处理（TFRecord）、tf.data service",
            ),
        },
    )
)
