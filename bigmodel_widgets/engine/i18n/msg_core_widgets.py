"""Chapter 0 (issue 17): the sizing engine and its solver (``sizing.``) and the
ContextExplorer with the context lab (``ctx.``). The widgets' labels are in the core
``en.py``/``zh.py`` (``ms.``, ``cx.``); this file holds what those did not cover."""

__all__ = ["EN", "ZH"]

EN: dict[str, str] = {
    # engine/sizing: argument errors
    "sizing.hidden_heads": "hidden ({hidden}) must be divisible by heads ({heads})",
    "sizing.heads_kv": "heads ({heads}) must be divisible by kv_heads ({kv})",
    "sizing.layer_kind": "unknown layer kind {kind}",
    "sizing.unknown_preset": "Unknown preset {name}; valid presets: {names}",
    "sizing.config_type": "config must be a TransformerConfig, got {type}",
    "sizing.estimate_type": "config must be a TransformerConfig or SequentialSpec, got {config}",
    "sizing.json_source": "expected a path to config.json (or its folder) or a dict, got {type}",
    "sizing.no_json": "no config.json at {path}",
    "sizing.bad_json": "{path} is not valid JSON: {exc}",
    "sizing.json_object": "{path} must hold a JSON object, got {type}",
    "sizing.model_type": "{where}: model_type {model_type} is not supported; supported: "
    "{supported} (BERT, GPT-2 and LLaMA families)",
    "sizing.hf_missing": "{where}: a {model_type} config.json needs {key}; it is missing",
    "sizing.hf_flag": "{where}: {flag}=true is not supported by the llama count",
    "sizing.hf_head_dim": "{where}: head_dim {head_dim} x heads must equal hidden_size",
    "sizing.gpu_type": "gpu must be a name in GPUS or a GPU, got {type}",
    "sizing.unknown_gpu": "Unknown GPU {name}; valid GPUs: {names}",
    "sizing.tp_heads": "tensor_parallel ({t}) must divide the heads ({heads})",
    "sizing.finetune_needs": "finetune={finetune} needs a TransformerConfig (adapter shapes)",
    "sizing.seq_len_range": "seq_len must be an int between 1 and {high}, got {value}",
    "sizing.keras_type": "expected a Keras model, got {type}",
    "sizing.not_built": "the model is not built yet; call it on data or build() first ({exc})",
    "sizing.weights_too_big": "{model}'s {precision} weights ({weights}) do not fit the {gpu} "
    "({memory}): choose a bigger GPU or a lower precision",
    "sizing.nothing_fits": "not even {what} fits the {gpu} ({memory})",
    "sizing.one_token": "one token",
    "sizing.one_sequence": "one sequence of {context} tokens",
    "sizing.needs_gpu": "question {question} needs gpu= (one of the GPUS names)",
    "sizing.needs_context": "question {question} needs context=",
    # engine/sizing: the assumptions behind every figure
    "sizing.note.mixed": "mixed precision: 16-bit weights 2 B and gradients 2 B per trained "
    "parameter",
    "sizing.note.adapters": "{finetune}: frozen base at {bits} bits per parameter, "
    "rank-{rank} adapters on every linear layer ({trained} trained parameters)",
    "sizing.note.parallel": "per GPU: tensor parallel {t} splits model states {t} ways; "
    "ZeRO stage {stage} over {d} data-parallel GPUs shards {what}",
    "sizing.shard.0": "nothing",
    "sizing.shard.1": "optimizer states",
    "sizing.shard.2": "optimizer states and gradients",
    "sizing.shard.3": "all states",
    "sizing.note.activations": "activations: Korthikanti et al. 2022, 16-bit, recomputation "
    "{recompute}",
    "sizing.note.activations_tp": ", tensor parallel {t} without sequence parallelism",
    "sizing.recompute.none": "'none'",
    "sizing.recompute.selective": "'selective'",
    "sizing.recompute.full": "'full'",
    "sizing.note.no_activations": "activations: not estimated for this model",
    "sizing.opt.adam": "Adam: fp32 master 4 + two fp32 moments 8 bytes per trained parameter",
    "sizing.opt.sgd_momentum": "SGD with momentum: fp32 master 4 + momentum 4 bytes per "
    "trained parameter",
    "sizing.opt.adafactor": "Adafactor (no momentum): fp32 master 4 bytes per trained "
    "parameter; its factored second moments (one row and one column vector per matrix) are "
    "counted as 0",
    "sizing.opt.adam8bit": "8-bit Adam (Dettmers et al. 2022): fp32 master 4 + two 8-bit "
    "moments 2 bytes per trained parameter (block-wise quantisation constants not counted)",
    "sizing.note.weights": "weights at {precision}: {bytes} bytes per parameter",
    "sizing.note.kv": "KV cache at {precision}: 2 x layers x kv_heads x head_dim x {bytes} "
    "bytes per token",
    "sizing.note.kv_none": "KV cache: none (an encoder does not generate)",
    "sizing.note.prefill_activations": "activations: one layer's transient prefill tensors "
    "(4h + 2f per token, {bytes} bytes), fused attention without an s x s score matrix",
    "sizing.note.training": "training: {note}",
    "sizing.note.serving": "serving: weights at {precision} plus a {kv_precision} KV cache "
    "(decoders)",
    "sizing.note.gpus": "GPUs: a lower bound for the whole job, memory only (GiB; no framework "
    "overhead, no fragmentation)",
    "sizing.note.flops": "FLOPs: 6N per training token, 2N per inference token (attention "
    "term: forward_flops_per_token)",
    "sizing.note.peak": "peak {precision} dense FLOP/s {peak} T and bandwidth {bandwidth} GB/s "
    "from {source}",
    "sizing.note.prefill": "prefill: every weight read once, FLOPs from prefill_flops (causal "
    "for decoders); a lower bound: real kernels reach a fraction of peak",
    "sizing.note.decode": "decode: each step reads all weights and the whole KV cache once; an "
    "upper bound on tokens/s (no kernel overhead, no sampling)",
    "sizing.note.no_decode": "decode: none (an encoder reads its input in one pass and does not "
    "generate)",
    "sizing.note.kaplan": "FLOPs per token: Kaplan et al. 2020, 2 x non-embedding parameters + "
    "2 x layers x context x d_attn (forward)",
    "sizing.note.longest": "longest context: memory only (weights + KV cache + activations <= "
    "the GPU's {memory}); the model was trained for {positions} positions",
    # the GPU presets' datasheets (engine/sizing/gpus.py: GPU.source, word for word)
    "sizing.source.a100-80gb-sxm": "NVIDIA A100 Tensor Core GPU datasheet "
    "(nvidia-a100-datasheet-us-nvidia-1758950-r4): FP32 19.5 TF, TF32 156 TF, BF16/FP16 312 "
    "TF, INT8 624 TOPS (dense); 80GB HBM2e, 2,039 GB/s",
    "sizing.source.h100-sxm": "NVIDIA H100 Tensor Core GPU datasheet (H100 SXM column): FP32 "
    "67 TF; TF32 989, BF16/FP16 1,979, FP8/INT8 3,958 'with sparsity' - halved here for "
    "dense; 80GB, 3.35 TB/s",
    "sizing.source.l4": "NVIDIA L4 Tensor Core GPU datasheet: FP32 30.3 TF; TF32 120, "
    "BF16/FP16 242, FP8/INT8 485 shown with sparsity ('one-half lower without sparsity'); "
    "24GB, 300 GB/s",
    "sizing.source.t4": "NVIDIA T4 Tensor Core GPU datasheet: FP32 8.1 TF, mixed FP16/FP32 65 "
    "TF, INT8 130 TOPS, INT4 260 TOPS; 16GB GDDR6, 320+ GB/s (no bf16)",
    "sizing.source.rtx-4090": "NVIDIA Ada GPU Architecture whitepaper, appendix table for the "
    "RTX 4090: FP32 82.6 TF; FP16/BF16 tensor with FP32 accumulate 165.2 TF (dense); INT8 "
    "660.6 TOPS (dense); 24GB GDDR6X, 1,008 GB/s",
    "sizing.source.v100-sxm2-32gb": "NVIDIA Tesla V100 datasheet (SXM2 column): FP32 15.7 TF, "
    "tensor (FP16) 125 TF; 32GB HBM2, 900 GB/s (no bf16)",
    # engine/sizing/solve.py: check_answer
    "sizing.check.right": "Correct: {question} for {model}{where} is {truth}{note}; you said "
    "{said}.",
    "sizing.check.wrong": "Not yet: you said {said} for {question} ({model}{where}), {direction} "
    "(tolerance {tolerance}). Hint: {hint}",
    "sizing.check.where": " on the {gpu}",
    "sizing.check.cap": " (the solver's cap: memory is not the limit below {cap} tokens)",
    "sizing.check.high": "too high",
    "sizing.check.low": "too low",
    "sizing.hint.max_context": "find the longest context whose weights + KV cache + "
    "activations still fit the GPU's memory (sizing.serving_memory gives each part)",
    "sizing.hint.max_batch": "the same sum as for the longest context, now growing the batch "
    "at a fixed context",
    "sizing.hint.kv_cache_bytes": "2 (keys and values) x layers x kv_heads x head_dim x "
    "context x batch x bytes per element",
    "sizing.hint.crossover_context": "attention FLOPs per token grow with the context: find "
    "where 2 x layers x context x d_attn reaches 2 x the non-embedding parameters",
    "sizing.hint.attention_share": "attention / (dense + attention) forward FLOPs per token at "
    "this context (sizing.forward_flops_per_token)",
    "sizing.hint.decode_tokens_per_s": "each decoding step reads all weights and the KV cache "
    "once: batch / (bytes per step / bandwidth), unless the compute takes longer",
    # widgets/context_explorer.py
    "ctx.bound.compute": "compute",
    "ctx.bound.memory": "memory",
    "ctx.ttft": "time to first token &ge; <b>{ms} ms</b> ({bound}-bound prefill)",
    "ctx.decode": "decode &le; <b>{rate} tokens/s</b> ({bound}-bound, {bytes} read per step)",
    "ctx.si.K": "K",
    "ctx.si.M": "M",
    "ctx.si.B": "B",
    "ctx.si.T": "T",
    "ctx.label": "<b>{label}:</b> ",
    "ctx.pair": "{name}: {value}",
    "ctx.memory_line": "<b>{heading}:</b> {total} ({verdict})",
    "ctx.sep": "; ",
    # engine/context_lab: argument errors and how a measurement was made
    "ctx.contexts_type": "{name} must be a sequence of ints, got {value}",
    "ctx.contexts_empty": "{name} must hold at least one context length",
    "ctx.contexts_repeated": "{name} has repeated lengths: {values}",
    "ctx.config_type": "config must be a sizing.TransformerConfig, got {type}",
    "ctx.not_decoder": "config must be a GPT-2-shaped decoder (kind 'decoder'), got kind {kind}",
    "ctx.fit_context": "fit_context {fit} must be one of the contexts {contexts}",
    "ctx.threads": "{n} thread(s)",
    "ctx.threads_default": "TensorFlow's default threads (all cores)",
    "ctx.threads_busy": "{have}: TensorFlow was already running, so {n} could not be set",
    "ctx.clock.cpu": "process CPU time (time.process_time: the work done, not the wait for a core)",
    "ctx.clock.wall": "wall-clock time",
    "ctx.clock_name.cpu": "cpu",
    "ctx.clock_name.wall": "wall",
    "ctx.slower": "slower",
    "ctx.faster": "faster",
    "ctx.note": "At {longest} tokens the run is {error} {side} than the model says. The model "
    "prices the attention scores' memory traffic at the bandwidth of a plain copy; TensorFlow's "
    "passes (softmax's exp in particular) may run below or above that rate, and caches hold the "
    "smaller score tensors, so the memory term is only a first-order estimate.",
    "ctx.how": "Median {clock} of {repeats} timed rounds (each round runs every length once, "
    "after a warm-up) of a tf.function forward of the real MiniLM, batch {batch}, {threads}. "
    "Predicted = overhead + FLOPs / throughput + bytes / bandwidth. FLOPs from "
    "sizing.prefill_flops (Kaplan: 2N + 2 * n_layers * context * d_attn per token). Bytes = the "
    "weights read once ({weight_bytes} B, float32) + the attention scores: layers x heads x "
    "context^2 x 4 B x {passes} passes ({reads} reads + {writes} writes by QK^T, the scale, the "
    "mask add, the +1e-9, the softmax and probs.V). Bandwidth {bandwidth} GB/s measured, not "
    "fitted: a single-threaded numpy copy of a {mib} MiB float32 array (read + write bytes, "
    "median of 5, {clock_name} time). Throughput and overhead solved from two calls: a "
    "{small}-token call (median of {calls} per round; 1 token takes a slower matrix-vector "
    "path) and {fit} tokens -- the only fitted constant is the throughput. max_rel_error is "
    "over the other lengths. 'flops_only' is the older model (overhead from a {old}-token call "
    "+ FLOPs / throughput); 'one_constant' is FLOPs / throughput alone.",
}

ZH: dict[str, str] = {
    # engine/sizing：参数错误
    "sizing.hidden_heads": "隐藏层宽度（{hidden}）必须能被注意力头数（{heads}）整除",
    "sizing.heads_kv": "注意力头数（{heads}）必须能被 KV 头数 kv_heads（{kv}）整除",
    "sizing.layer_kind": "未知的层类型 {kind}",
    "sizing.unknown_preset": "没有预设模型 {name}；可用的预设：{names}",
    "sizing.config_type": "config 必须是 TransformerConfig，而不是 {type}",
    "sizing.estimate_type": "config 必须是 TransformerConfig 或 SequentialSpec，而不是 {config}",
    "sizing.json_source": "需要 config.json 的路径（或它所在的文件夹）或一个 dict，而不是 {type}",
    "sizing.no_json": "{path} 处没有 config.json",
    "sizing.bad_json": "{path} 不是有效的 JSON：{exc}",
    "sizing.json_object": "{path} 里必须是一个 JSON 对象，而不是 {type}",
    "sizing.model_type": "{where}：不支持 model_type {model_type}；支持的有 {supported}"
    "（BERT、GPT-2 和 LLaMA 系列）",
    "sizing.hf_missing": "{where}：{model_type} 的 config.json 需要 {key}，但其中没有",
    "sizing.hf_flag": "{where}：llama 的参数计数不支持 {flag}=true",
    "sizing.hf_head_dim": "{where}：head_dim {head_dim} × 注意力头数必须等于 hidden_size",
    "sizing.gpu_type": "gpu 必须是 GPUS 中的名称或一个 GPU 对象，而不是 {type}",
    "sizing.unknown_gpu": "没有 GPU {name}；可用的 GPU：{names}",
    "sizing.tp_heads": "tensor_parallel（{t}）必须能整除注意力头数（{heads}）",
    "sizing.finetune_needs": "finetune={finetune} 需要 TransformerConfig（才知道适配器的形状）",
    "sizing.seq_len_range": "seq_len 必须是 1 到 {high} 之间的整数，得到的是 {value}",
    "sizing.keras_type": "需要一个 Keras 模型，而不是 {type}",
    "sizing.not_built": "模型还没有构建；先在数据上调用它或调用 build()（{exc}）",
    "sizing.weights_too_big": "{model} 的 {precision} 权重（{weights}）放不进 {gpu}"
    "（{memory}）：请选择更大的 GPU 或更低的精度",
    "sizing.nothing_fits": "{gpu}（{memory}）连{what}都放不下",
    "sizing.one_token": "一个词元",
    "sizing.one_sequence": "一条 {context} 个词元的序列",
    "sizing.needs_gpu": "问题 {question} 需要 gpu=（GPUS 中的一个名称）",
    "sizing.needs_context": "问题 {question} 需要 context=",
    # engine/sizing：每个数字背后的假设
    "sizing.note.mixed": "混合精度：每个被训练的参数有 16 位权重 2 B 和 16 位梯度 2 B",
    "sizing.note.adapters": "{finetune}：冻结的基座模型每个参数 {bits} 位，每个线性层加一个秩为 "
    "{rank} 的适配器（共 {trained} 个被训练的参数）",
    "sizing.note.parallel": "每个 GPU：张量并行 {t} 把模型状态分成 {t} 份；ZeRO 第 {stage} "
    "阶段在 {d} 个数据并行的 GPU 上切分的是：{what}",
    "sizing.shard.0": "无",
    "sizing.shard.1": "优化器状态",
    "sizing.shard.2": "优化器状态和梯度",
    "sizing.shard.3": "全部状态",
    "sizing.note.activations": "激活值：按 Korthikanti 等（2022）的公式，16 位，{recompute}",
    "sizing.note.activations_tp": "，张量并行 {t}，不用序列并行",
    "sizing.recompute.none": "不做重计算",
    "sizing.recompute.selective": "选择性重计算",
    "sizing.recompute.full": "完全重计算",
    "sizing.note.no_activations": "激活值：这个模型不做估算",
    "sizing.opt.adam": "Adam：每个被训练的参数有 fp32 主副本 4 字节 + 两个 fp32 动量 8 字节",
    "sizing.opt.sgd_momentum": "带动量的 SGD：每个被训练的参数有 fp32 主副本 4 字节 + 动量 4 字节",
    "sizing.opt.adafactor": "Adafactor（无动量）：每个被训练的参数有 fp32 主副本 4 字节；"
    "它分解存储的二阶矩（每个矩阵一个行向量和一个列向量）按 0 计",
    "sizing.opt.adam8bit": "8 位 Adam（Dettmers 等，2022）：每个被训练的参数有 fp32 主副本 "
    "4 字节 + 两个 8 位动量 2 字节（不计分块量化的常数）",
    "sizing.note.weights": "权重精度 {precision}：每个参数 {bytes} 字节",
    "sizing.note.kv": "KV 缓存精度 {precision}：每个词元 2 × 层数 × kv_heads × head_dim × "
    "{bytes} 字节",
    "sizing.note.kv_none": "KV 缓存：无（编码器不做生成）",
    "sizing.note.prefill_activations": "激活值：一层在预填充时的临时张量（每个词元 4h + 2f "
    "个数，每个 {bytes} 字节），使用融合注意力，不保存 s × s 的分数矩阵",
    "sizing.note.training": "训练：{note}",
    "sizing.note.serving": "推理：{precision} 权重加 {kv_precision} 的 KV 缓存（解码器）",
    "sizing.note.gpus": "GPU 数：整个任务的下限，只算显存（GiB；不计框架开销和内存碎片）",
    "sizing.note.flops": "FLOPs：训练每个词元 6N，推理每个词元 2N（注意力项见 "
    "forward_flops_per_token）",
    "sizing.note.peak": "{precision} 稠密峰值算力 {peak} T FLOP/s、带宽 {bandwidth} GB/s，"
    "数据来自 {source}",
    "sizing.note.prefill": "预填充：每个权重读一次，FLOPs 由 prefill_flops 算出（解码器按因果"
    "注意力计）；这是下限：实际的内核只能达到峰值的一部分",
    "sizing.note.decode": "解码：每一步把全部权重和整个 KV 缓存各读一次；这是每秒词元数的上限"
    "（不计内核开销，也不计采样）",
    "sizing.note.no_decode": "解码：无（编码器一次读完输入，不做生成）",
    "sizing.note.kaplan": "每个词元的 FLOPs：按 Kaplan 等（2020）的公式，2 × 非嵌入参数 + "
    "2 × 层数 × 上下文长度 × d_attn（前向）",
    "sizing.note.longest": "最长上下文：只考虑显存（权重 + KV 缓存 + 激活值 ≤ GPU 的 "
    "{memory}）；模型训练时的位置数是 {positions}",
    # GPU 预设的数据手册
    "sizing.source.a100-80gb-sxm": "NVIDIA A100 GPU 数据手册"
    "（nvidia-a100-datasheet-us-nvidia-1758950-r4）：FP32 19.5 TF，TF32 156 TF，"
    "BF16/FP16 312 TF，INT8 624 TOPS（稠密）；80GB HBM2e，2,039 GB/s",
    "sizing.source.h100-sxm": "NVIDIA H100 GPU 数据手册（H100 SXM 一栏）：FP32 67 TF；"
    "TF32 989、BF16/FP16 1,979、FP8/INT8 3,958 是“含稀疏”的数字，这里减半作为稠密算力；"
    "80GB，3.35 TB/s",
    "sizing.source.l4": "NVIDIA L4 GPU 数据手册：FP32 30.3 TF；TF32 120、BF16/FP16 242、"
    "FP8/INT8 485 是含稀疏的数字（“不含稀疏时为一半”）；24GB，300 GB/s",
    "sizing.source.t4": "NVIDIA T4 GPU 数据手册：FP32 8.1 TF，FP16/FP32 混合精度 65 TF，"
    "INT8 130 TOPS，INT4 260 TOPS；16GB GDDR6，320+ GB/s（不支持 bf16）",
    "sizing.source.rtx-4090": "NVIDIA Ada GPU 架构白皮书附录中 RTX 4090 一栏：FP32 82.6 TF；"
    "FP16/BF16 张量运算（FP32 累加）165.2 TF（稠密）；INT8 660.6 TOPS（稠密）；"
    "24GB GDDR6X，1,008 GB/s",
    "sizing.source.v100-sxm2-32gb": "NVIDIA V100 数据手册（SXM2 一栏）：FP32 15.7 TF，"
    "张量运算（FP16）125 TF；32GB HBM2，900 GB/s（不支持 bf16）",
    # engine/sizing/solve.py：check_answer
    "sizing.check.right": "正确：{model}{where}的 {question} 是 {truth}{note}；你的答案是 {said}。",
    "sizing.check.wrong": "还不对：{model}{where}的 {question}，你的答案 {said} {direction}"
    "（允许误差 {tolerance}）。提示：{hint}",
    "sizing.check.where": "（{gpu}）",
    "sizing.check.cap": "（求解器的上限：{cap} 个词元以内显存都不是限制）",
    "sizing.check.high": "偏大",
    "sizing.check.low": "偏小",
    "sizing.hint.max_context": "找出权重 + KV 缓存 + 激活值仍能放进 GPU 显存的最长上下文"
    "（sizing.serving_memory 给出每一部分）",
    "sizing.hint.max_batch": "和最长上下文一样的求和，这次固定上下文长度、增大批大小",
    "sizing.hint.kv_cache_bytes": "2（键和值）× 层数 × kv_heads × head_dim × 上下文长度 × "
    "批大小 × 每个元素的字节数",
    "sizing.hint.crossover_context": "每个词元的注意力 FLOPs 随上下文长度增长：找出 2 × 层数 "
    "× 上下文长度 × d_attn 达到 2 × 非嵌入参数的位置",
    "sizing.hint.attention_share": "在这个上下文长度下，每个词元的前向 FLOPs 中注意力所占的"
    "比例：注意力 /（稠密 + 注意力）（sizing.forward_flops_per_token）",
    "sizing.hint.decode_tokens_per_s": "解码的每一步把全部权重和 KV 缓存各读一次：批大小 /"
    "（每步字节数 / 带宽），除非计算更慢",
    # widgets/context_explorer.py
    "ctx.bound.compute": "受算力限制",
    "ctx.bound.memory": "受内存带宽限制",
    "ctx.ttft": "首个词元延迟 &ge; <b>{ms} 毫秒</b>（预填充{bound}）",
    "ctx.decode": "解码 &le; <b>每秒 {rate} 个词元</b>（{bound}，每步读取 {bytes}）",
    "ctx.si.K": "K",
    "ctx.si.M": "M",
    "ctx.si.B": "G",
    "ctx.si.T": "T",
    "ctx.label": "<b>{label}：</b>",
    "ctx.pair": "{name}：{value}",
    "ctx.memory_line": "<b>{heading}：</b>{total}（{verdict}）",
    "ctx.sep": "；",
    # engine/context_lab：参数错误，以及测量是怎样做的
    "ctx.contexts_type": "{name} 必须是整数序列，而不是 {value}",
    "ctx.contexts_empty": "{name} 至少要有一个上下文长度",
    "ctx.contexts_repeated": "{name} 中有重复的长度：{values}",
    "ctx.config_type": "config 必须是 sizing.TransformerConfig，而不是 {type}",
    "ctx.not_decoder": "config 必须是 GPT-2 形状的解码器（kind 'decoder'），而不是 kind {kind}",
    "ctx.fit_context": "fit_context {fit} 必须是 contexts {contexts} 中的一个",
    "ctx.threads": "{n} 个线程",
    "ctx.threads_default": "TensorFlow 默认的线程数（使用全部核心）",
    "ctx.threads_busy": "{have}：TensorFlow 已经在运行，所以无法改为 {n} 个线程",
    "ctx.clock.cpu": "进程 CPU 时间（time.process_time：只计完成的工作，不计等待 CPU 核心的时间）",
    "ctx.clock.wall": "墙钟时间",
    "ctx.clock_name.cpu": "CPU 时间",
    "ctx.clock_name.wall": "墙钟时间",
    "ctx.slower": "慢",
    "ctx.faster": "快",
    "ctx.note": "在 {longest} 个词元时，实测比模型预测的{side} {error}。模型按普通内存复制的带宽"
    "估算注意力分数的内存流量；TensorFlow 的各遍计算（尤其是 softmax 的 exp）可能低于或高于这个"
    "速率，而且较小的分数张量会留在缓存里，所以内存项只是一阶估计。",
    "ctx.how": "对真实 MiniLM 的 tf.function 前向计算计时 {repeats} 轮（每轮在预热后把每个长度"
    "各跑一次），取{clock}的中位数；批大小 {batch}，{threads}。预测值 = 固定开销 + FLOPs / "
    "吞吐量 + 字节数 / 带宽。FLOPs 由 sizing.prefill_flops 算出（Kaplan：每个词元 2N + 2 × "
    "n_layers × 上下文长度 × d_attn）。字节数 = 权重读一次（{weight_bytes} B，float32）+ 注意力"
    "分数：层数 × 头数 × 上下文长度² × 4 B × {passes} 遍（Q·K^T、缩放、加掩码、加 1e-9、softmax "
    "和 probs.V 共读 {reads} 遍、写 {writes} 遍）。带宽 {bandwidth} GB/s 是实测的，不是拟合的："
    "用 NumPy 单线程复制一个 {mib} MiB 的 float32 数组（按读 + 写的字节数，取 5 次的中位数，"
    "以{clock_name}计）。吞吐量和固定开销由两次调用解出：一次 {small} 个词元的调用（每轮取 "
    "{calls} 次的中位数；1 个词元会走较慢的矩阵-向量路径）和一次 {fit} 个词元的调用——唯一"
    "拟合的常数是吞吐量。max_rel_error 是在其余长度上算的。'flops_only' 是旧模型（固定开销取自"
    "一次 {old} 个词元的调用，加上 FLOPs / 吞吐量）；'one_constant' 只用 FLOPs / 吞吐量。",
}
