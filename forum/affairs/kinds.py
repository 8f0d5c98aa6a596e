"""The default request kinds (data) and the notification kinds requests send."""

from __future__ import annotations

from forum.notifications import NotificationKind

GROUP = "党员服务"
STEP = NotificationKind(
    "service.step", "我的办事申请有了进展", GROUP, channels=frozenset({"email"})
)
NEW = NotificationKind("service.new", "有新的办事申请待受理", GROUP)
MESSAGE = NotificationKind("service.message", "办事申请有新留言", GROUP)
NOTIFICATION_KINDS = (STEP, NEW, MESSAGE)

# (key, name, description, fields, handled_by, days, open to 群众)
DEFAULT_KINDS: tuple[tuple[str, str, str, list[dict[str, object]], str, int, bool], ...] = (
    (
        "identity_proof",
        "开具党员身份证明",
        "用于政审、出国等需要证明党员身份的场合",
        [{"name": "purpose", "label": "用途", "required": True}],
        "branch",
        5,
        False,
    ),
    (
        "transfer",
        "组织关系转接申请",
        "受理后由支部按组织关系转接流程办理",
        [
            {"name": "destination", "label": "转入单位", "required": True},
            {"name": "reason", "label": "转接原因", "required": True},
        ],
        "branch",
        10,
        False,
    ),
    (
        "floating_card",
        "流动党员活动证",
        "外出务工、经商、学习的流动党员申领",
        [{"name": "place", "label": "外出地点", "required": True}],
        "branch",
        10,
        False,
    ),
    (
        "dues",
        "党费问题",
        "党费缴纳基数、补缴等问题",
        [{"name": "question", "label": "问题", "required": True}],
        "branch",
        5,
        False,
    ),
    (
        "hardship",
        "困难党员帮扶申请",
        "生活困难党员申请帮扶",
        [{"name": "situation", "label": "困难情况", "required": True}],
        "branch",
        15,
        False,
    ),
    (
        "application",
        "入党申请",
        "群众提交入党申请，由党组织安排谈话",
        [{"name": "workplace", "label": "工作单位", "required": True}],
        "org",
        30,
        True,
    ),
    (
        "other",
        "其他事项",
        "以上没有列出的事项",
        [{"name": "detail", "label": "事项说明", "required": True}],
        "branch",
        7,
        False,
    ),
)
