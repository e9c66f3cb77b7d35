"""The progress bar's and error area's texts: the names a progress bar shows beside its numbers
(the ``info`` keys engine work reports) and how an error names what failed."""

__all__ = ["EN", "ZH"]

EN = {
    "err.what": "{what}: {message}",
    "progress.key.loss": "loss",
    "progress.key.accuracy": "accuracy",
    "progress.key.val_loss": "val_loss",
    "progress.key.val_accuracy": "val_accuracy",
    "progress.key.epoch": "epoch",
    "progress.key.step": "step",
    "progress.key.lr": "lr",
    "progress.key.samples_per_s": "samples_per_s",
    "progress.key.tokens_per_s": "tokens_per_s",
    "progress.key.context": "context",
    "progress.key.windows": "windows",
    "progress.key.documents": "documents",
    "progress.key.strings": "strings",
    "progress.key.numbers": "numbers",
    "progress.key.chunks": "chunks",
    "progress.key.digit_errors": "digit_errors",
    "progress.key.seconds": "seconds",
    "progress.key.round": "round",
    "progress.key.ratio": "ratio",
}
ZH = {
    "err.what": "{what}：{message}",
    "progress.key.loss": "损失",
    "progress.key.accuracy": "准确率",
    "progress.key.val_loss": "验证损失",
    "progress.key.val_accuracy": "验证准确率",
    "progress.key.epoch": "轮",
    "progress.key.step": "步",
    "progress.key.lr": "学习率",
    "progress.key.samples_per_s": "样本/秒",
    "progress.key.tokens_per_s": "词元/秒",
    "progress.key.context": "上下文",
    "progress.key.windows": "窗口数",
    "progress.key.documents": "文档数",
    "progress.key.strings": "数字串数",
    "progress.key.numbers": "数字数",
    "progress.key.chunks": "块数",
    "progress.key.digit_errors": "数字错误数",
    "progress.key.seconds": "秒",
    "progress.key.round": "轮次",
    "progress.key.ratio": "比值",
}
