"""What the demo's studios are (studios/demo.py makes them): the eleven studios of the district's
studio report, eight sector studios (教育, 农业, 医疗卫生, 经济, 科技, 文化艺术, 民盟, 民建) and
three industry studios (法律, 煤炭, 商会), and three area stations; what visitors raise at each;
the visit that becomes a resident issue; the archive that proves the five norms.

Each studio's spec says where this year's 1+123 stands: the medical studio has met its plan (its
consultations are the office's this year: target 0), the agricultural one is behind (nothing
counted yet), the others are on their way.
"""

from dataclasses import dataclass
from datetime import time

from members.models import Activity
from opinions.models import AdoptionLevel
from residents.models import ResidentIssue

from .models import Norm, Studio

Kind, Lead, Build, State = Studio.Kind, Studio.LeadMode, Studio.BuildMode, Studio.State
SERVICE, RESEARCH, MEDIATION = (
    Activity.Kind.SERVICE,
    Activity.Kind.RESEARCH,
    Activity.Kind.MEDIATION,
)
MORNING, AFTERNOON = (time(9, 0), time(11, 30)), (time(14, 30), time(17, 30))
DISTRICT, CITY = AdoptionLevel.DISTRICT, AdoptionLevel.CITY
#: Reception is planned this far ahead; the year behind it has passed.
AHEAD_DAYS, BEHIND_DAYS = 90, 270
VISITORS = ["张先生", "李女士", "王大爷", "刘阿姨", "陈师傅", "赵女士", "孙先生", "周阿姨"]


@dataclass(frozen=True)
class Paper:
    """A report (or, `proposal`, a proposal) a studio's member writes, marked with the studio:
    adopted at `levels` (none: submitted, or `reviewed`), or filed."""

    title: str
    category: str
    content: str
    levels: tuple[int, ...] = ()
    reviewed: bool = False
    coauthors: int = 0
    proposal: bool = False
    filed: bool = False


@dataclass(frozen=True)
class Booking:
    """An appointment a resident asked for on the studio's page, in the n-th coming slot (a
    negative n: the n-th slot back, received with its visit)."""

    slot: int
    name: str
    mobile: str
    topic: str
    confirmed: bool = False


@dataclass(frozen=True)
class StudioSpec:
    name: str
    kind: str
    group: str  # the group whose liaison staff run the studio
    members: tuple[str, str]  # ("sector", name) / ("street", name) / ("posts", "unit/title …")
    lead_mode: str
    build_mode: str
    street: str
    address: str
    duty: tuple[int, tuple[time, time]]  # weekday, hours
    theme: str  # what visitors raise (VISITS)
    activities: tuple[tuple[str, str, int], ...]  # title, kind, days from today
    sector: str = ""
    industry: str = ""
    employer: str = ""
    description: str = ""
    state: str = State.OPEN
    opened_days_ago: int = 500
    closed_days_ago: int = 0  # suspended or exited that many days ago
    closing_note: str = ""
    papers: tuple[Paper, ...] = ()
    bookings: tuple[Booking, ...] = ()
    norms_met: int = 2  # the first n of the five norms met, with evidence
    targets: tuple[tuple[str, int], ...] = ()  # plan targets other than 1+123
    plan: str = ""


WEEKDAYS = "一二三四五六日"


STUDIOS: list[StudioSpec] = [
    StudioSpec(
        "教育界别委员工作室",
        Kind.SECTOR,
        "教育界活动组",
        ("sector", "教育界"),
        Lead.SECTOR_GROUP,
        Build.JOINT,
        "城关街道",
        "城关街道解放路18号区第一中学东侧",
        (2, AFTERNOON),
        "education",
        (
            ("中小学生团体心理辅导", SERVICE, -25),
            ("防溺水安全知识宣传进校园", SERVICE, -160),
            ("“双减”落实情况座谈调研", RESEARCH, -70),
            ("家庭教育公益讲座", SERVICE, 16),
        ),
        sector="教育界",
        description="与区第一中学共建，开展团体心理辅导、防溺水知识宣传等活动，接待家长和师生。",
        opened_days_ago=520,
        papers=(
            Paper(
                "关于加强中小学生心理健康服务的建议",
                "education",
                "部分学生存在焦虑、厌学情绪，学校专职心理教师不足。建议配齐心理教师，建立"
                "家校社协同的心理健康服务机制。",
                levels=(DISTRICT,),
                coauthors=2,
            ),
        ),
        bookings=(Booking(1, "郑女士", "13900000301", "孩子明年入学，想咨询学区划分"),),
    ),
    StudioSpec(
        "农业界别委员工作室",
        Kind.SECTOR,
        "农业界活动组",
        ("sector", "农业界"),
        Lead.SECTOR_GROUP,
        Build.EMBEDDED,
        "南山镇",
        "南山镇果蔬合作社服务大厅",
        (3, MORNING),
        "agriculture",
        (
            ("果园病虫害防治情况调研", RESEARCH, -35),
            ("农民实用科学种养殖培训", SERVICE, -380),
            ("果树修剪技术现场示范", SERVICE, 12),
        ),
        sector="农业界",
        description="嵌入南山镇果蔬合作社，组织农民实用科学种养殖培训，现场讲解示范果树修剪技术。",
        opened_days_ago=480,
        # Behind: this year's service is still to come, its report not yet reviewed.
        papers=(
            Paper(
                "关于扶持果蔬合作社品牌建设的建议",
                "agriculture",
                "我区果蔬合作社产品品质好但缺少品牌，销售以初级产品为主。建议设立品牌培育"
                "资金，支持合作社申请绿色食品认证。",
            ),
        ),
        norms_met=1,
    ),
    StudioSpec(
        "医疗卫生界别委员工作室",
        Kind.SECTOR,
        "医药卫生界活动组",
        ("sector", "医药卫生界"),
        Lead.MEMBER,
        Build.MERGED,
        "城关街道",
        "城关街道文化路社区卫生服务中心三楼",
        (1, AFTERNOON),
        "health",
        (
            ("预防结核病知识宣传", SERVICE, -12),
            ("义诊进社区", SERVICE, -95),
            ("基层医疗服务能力座谈", RESEARCH, -50),
            ("慢病用药咨询进社区", SERVICE, 9),
        ),
        sector="医药卫生界",
        description="与社区卫生服务中心融合运行，开展义诊、预防结核病知识宣传和慢病用药咨询。",
        opened_days_ago=560,
        # Fully met: the report adopted at two levels counts once, the co-authored one once.
        papers=(
            Paper(
                "关于完善慢性病长处方制度的建议",
                "health",
                "慢病患者每月都要到医院开药，往返奔波。建议扩大长处方病种范围，允许社区卫生"
                "服务中心开具十二周以内的长处方。",
                levels=(DISTRICT, CITY),
            ),
            Paper(
                "关于加强村医队伍建设的建议",
                "health",
                "村医平均年龄偏大，后继乏人。建议落实村医养老保障，定向培养乡村医生。",
                levels=(DISTRICT,),
                coauthors=2,
            ),
            Paper(
                "关于推广家庭医生签约服务的建议",
                "health",
                "家庭医生签约后服务内容少，群众获得感不强。建议细化签约服务包，推行上门服务。",
                levels=(DISTRICT,),
            ),
            Paper(
                "关于提升基层医疗机构服务能力的提案",
                "health",
                "建议推进紧密型县域医共体建设，区级医院专家定期到镇卫生院坐诊带教。",
                proposal=True,
                filed=True,
            ),
        ),
        bookings=(
            Booking(1, "吴先生", "13900000101", "想了解慢病长处方怎么办理"),
            Booking(2, "周阿姨", "13900000102", "老伴术后康复护理咨询", confirmed=True),
        ),
        norms_met=5,
        # The consultations are the office's this year (the plan says so): the studio's
        # target for them is 0, and its 1+123 is met once the other three are.
        targets=(("target_consultations", 0),),
        plan="本年度协商活动由区政协统一安排，工作室重点开展健康服务和社情民意信息撰写。",
    ),
    StudioSpec(
        "经济界别委员工作室",
        Kind.SECTOR,
        "经济界活动组",
        ("sector", "经济界"),
        Lead.MEMBER,
        Build.LINKED,
        "西湖街道",
        "西湖街道西湖路66号区工商联二楼",
        (0, AFTERNOON),
        "economy",
        (
            ("特教学校送温暖", SERVICE, -60),
            ("城区私设地锁石墩问题协商座谈", RESEARCH, -140),
            ("就业招聘会进社区", SERVICE, 20),
        ),
        sector="经济界",
        description="与区工商联联动，就群众反映的城区私设挡车桩、地锁、石墩问题开展协商。",
        opened_days_ago=600,
        papers=(
            Paper(
                "关于清理城区私设地锁石墩规范停车秩序的提案",
                "urban",
                "城区部分路段私设地锁、石墩占用公共停车位。建议开展集中清理，增设公共泊位。",
                proposal=True,
                filed=True,
            ),
            Paper(
                "关于优化个体工商户融资服务的建议",
                "economy",
                "个体工商户贷款缺少抵押物，融资难。建议推广信用贷款和创业担保贷款。",
                levels=(DISTRICT,),
            ),
        ),
    ),
    StudioSpec(
        "科技界别委员工作室",
        Kind.SECTOR,
        "科技界活动组",
        ("sector", "科技界"),
        Lead.MEMBER,
        Build.JOINT,
        "东城街道",
        "东城街道朝阳路9号区科技馆一楼",
        (4, MORNING),
        "science",
        (
            ("法律知识宣传进社区", SERVICE, -45),
            ("关爱科技少年成长进小学", SERVICE, -130),
            ("老年人智能手机使用培训", SERVICE, 6),
        ),
        sector="科技界",
        description="与区科协共建，走进社区开展宣传，走进城区小学关爱科技少年成长。",
        opened_days_ago=450,
    ),
    StudioSpec(
        "文化艺术界别委员工作室",
        Kind.SECTOR,
        "文化艺术界活动组",
        ("sector", "文化艺术界"),
        Lead.MEMBER,
        Build.EMBEDDED,
        "西湖街道",
        "西湖街道柳岸路2号区文化馆",
        (3, AFTERNOON),
        "culture",
        (
            ("非遗文化进校园", SERVICE, -30),
            ("贫困学生爱心物资捐赠", SERVICE, -200),
            ("送文化下基层文艺演出", SERVICE, 25),
        ),
        sector="文化艺术界",
        description="嵌入区文化馆，组织非遗文化进校园活动，为贫困学生捐赠爱心物资。",
        papers=(
            Paper(
                "关于加强非遗传承人培养的建议",
                "culture",
                "我区多项非遗项目传承人年事已高，后继乏人。建议设立传习补贴，推动非遗进课堂。",
                reviewed=True,
            ),
        ),
    ),
    StudioSpec(
        "民盟界别委员工作室",
        Kind.SECTOR,
        "民盟活动组",
        ("sector", "民盟"),
        Lead.SECTOR_GROUP,
        Build.JOINT,
        "城关街道",
        "城关街道新华路7号",
        (0, MORNING),
        "education",
        (("“双减”政策宣讲", SERVICE, -300), ("送教下乡", SERVICE, -150)),
        sector="民盟",
        opened_days_ago=620,
        state=State.EXITED,
        closed_days_ago=75,
        closing_note=(
            "领衔委员工作调动，入驻委员多为教育界别委员，经主席会议研究，并入教育界别委员"
            "工作室运行，原有档案移交区政协办公室保存。"
        ),
        papers=(
            Paper(
                "关于加强乡村学校音体美教师配备的建议",
                "education",
                "乡村学校音乐、美术、体育课缺少专职教师。建议推行走教制度，城区学校对口支援。",
                levels=(DISTRICT,),
            ),
        ),
    ),
    StudioSpec(
        "民建界别委员工作室",
        Kind.SECTOR,
        "民建活动组",
        ("sector", "民建"),
        Lead.MEMBER,
        Build.LINKED,
        "东城街道",
        "东城街道滨河路21号",
        (4, AFTERNOON),
        "commerce",
        (("小微企业税收政策宣讲", SERVICE, -100),),
        sector="民建",
        opened_days_ago=430,
        state=State.SUSPENDED,
        closed_days_ago=40,
        closing_note="工作室办公场所装修改造，暂停接待，预计两个月后恢复。",
    ),
    StudioSpec(
        "法律委员工作室",
        Kind.INDUSTRY,
        "法律界活动组",
        ("sector", "法律界"),
        Lead.MEMBER,
        Build.JOINT,
        "城关街道",
        "城关街道和平路32号明正律师事务所一楼",
        (2, MORNING),
        "law",
        (
            ("法律咨询进社区", SERVICE, -18),
            ("农民工工资支付法律宣传", SERVICE, -210),
            ("“八五”普法进村居", SERVICE, 14),
        ),
        industry="法律",
        description="律师、公证员委员轮流坐班，为群众提供法律咨询，参与矛盾纠纷调解。",
        opened_days_ago=540,
        papers=(
            Paper(
                "关于规范物业服务合同纠纷调处的建议",
                "urban",
                "物业服务合同纠纷逐年增多，诉讼周期长。建议在街道设立物业纠纷人民调解委员会。",
                levels=(DISTRICT,),
            ),
            Paper(
                "关于加强基层公共法律服务站点建设的提案",
                "public_order",
                "建议在每个村（社区）设立公共法律服务工作室，推行律师值班和视频法律咨询。",
                proposal=True,
                filed=True,
            ),
        ),
        bookings=(
            Booking(1, "孙先生", "13900000201", "劳动合同到期不续签的经济补偿", confirmed=True),
            Booking(-2, "赵女士", "13900000202", "房屋买卖合同违约，想当面咨询", confirmed=True),
        ),
        norms_met=3,
    ),
    StudioSpec(
        "煤炭行业委员工作室",
        Kind.INDUSTRY,
        "经济界活动组",
        (
            "posts",
            "区国资集团/党委书记 区发展和改革局/副局长 区自然资源局/科长 鑫达电子公司/总工程师",
        ),
        Lead.EMPLOYER,
        Build.MERGED,
        "北岭镇",
        "北岭镇矿区路1号区国资集团职工之家",
        (1, MORNING),
        "coal",
        (("采煤沉陷区群众安置情况调研", RESEARCH, -80), ("矿区职工健康义诊", SERVICE, -55)),
        industry="煤炭",
        employer="区国资集团",
        description="依托区国资集团职工之家，倾听矿区职工和沉陷区群众诉求。",
        opened_days_ago=380,
    ),
    StudioSpec(
        "商会委员工作室",
        Kind.INDUSTRY,
        "经济界活动组",
        (
            "posts",
            "城关商会/会长 区工商业联合会/副主席 瑞丰食品公司/董事长 恒信商贸公司/总经理"
            " 兴业建材公司/董事长",
        ),
        Lead.EMPLOYER,
        Build.LINKED,
        "城关街道",
        "城关街道解放路88号城关商会大楼二楼",
        (5, MORNING),
        "commerce",
        (("民营企业政策宣讲会", SERVICE, -40), ("爱心企业助学捐赠", SERVICE, -170)),
        industry="商会",
        employer="城关商会",
        description="商会会员企业家委员联系企业和职工，调解商事纠纷，开展助学捐赠。",
        opened_days_ago=410,
    ),
    StudioSpec(
        "城关街道委员工作站",
        Kind.STATION,
        "城关街道活动组",
        ("street", "城关街道"),
        Lead.STREET_GROUP,
        Build.EMBEDDED,
        "城关街道",
        "城关街道党群服务中心一楼",
        (5, (time(14, 30), time(17, 0))),
        "street",
        (
            ("政策宣讲进村居", SERVICE, -8),
            ("困难群众走访慰问", SERVICE, -120),
            ("老旧小区加装电梯协商议事会", RESEARCH, -22),
            ("便民服务集市", SERVICE, 10),
        ),
        description="街道活动组的委员每周六下午在党群服务中心接待群众，收集社情民意。",
        opened_days_ago=700,
        papers=(
            Paper(
                "关于城关街道背街小巷路灯改造的建议",
                "urban",
                "背街小巷路灯老化、照明不足，群众夜间出行不便。建议纳入城市照明改造计划。",
                levels=(DISTRICT,),
            ),
            Paper(
                "关于社区养老助餐点扩面的建议",
                "elderly",
                "现有助餐点覆盖不足，部分老人就餐要走两公里。建议利用社区用房增设助餐点。",
                reviewed=True,
            ),
            Paper(
                "关于老旧小区停车位挖潜的提案",
                "transport",
                "建议利用小区边角地和周边道路夜间时段，增设共享停车位。",
                proposal=True,
            ),
        ),
        bookings=(
            Booking(1, "张先生", "13900000001", "小区加装电梯的事想当面反映", confirmed=True),
            Booking(1, "李女士", "13900000002", "低保年审材料咨询"),
        ),
        norms_met=4,
    ),
    StudioSpec(
        "东城街道委员工作站",
        Kind.STATION,
        "东城街道活动组",
        ("street", "东城街道"),
        Lead.STREET_GROUP,
        Build.JOINT,
        "东城街道",
        "东城街道朝阳社区党群服务站",
        (1, (time(14, 30), time(17, 0))),
        "street",
        (("邻里纠纷调解", MEDIATION, -33), ("义诊进社区", SERVICE, -65)),
        description="与朝阳社区共建，委员定期接待群众，参与邻里纠纷调解。",
        opened_days_ago=300,
    ),
    StudioSpec(
        "南山镇委员工作站",
        Kind.STATION,
        "南山镇活动组",
        ("street", "南山镇"),
        Lead.STREET_GROUP,
        Build.EMBEDDED,
        "南山镇",
        "南山镇便民服务中心二楼",
        (3, MORNING),
        "street",
        (),
        state=State.PREPARING,
        closed_days_ago=20,  # registered that many days ago
    ),
]

# What visitors raise, by theme: (raised, done, feedback, solved on the spot).
VISITS = {
    "education": [
        (
            "孩子明年上小学，想了解学区划分和报名要准备哪些材料。",
            "对照今年的招生政策逐项讲解了报名材料和时间安排。",
            "已把材料清单写给家长，提醒关注教育局招生公告。",
            True,
        ),
        (
            "孩子在校外培训机构预交了一年学费，机构关门后退费无门。",
            "帮助整理缴费凭证，联系区教育局和市场监管部门。",
            "已告知投诉渠道，委员跟进退费协调。",
            False,
        ),
        (
            "孩子最近不愿上学、情绪低落，家长不知道怎么沟通。",
            "心理学专业的委员面对面疏导，并推荐了学校心理老师。",
            "约定两周后电话回访孩子情况。",
            True,
        ),
    ],
    "agriculture": [
        (
            "苹果树去年结果少，想请专家看看修剪方法对不对。",
            "委员到果园现场查看，示范了冬季修剪要点。",
            "已约定春季再来指导疏花疏果。",
            True,
        ),
        (
            "合作社的蔬菜找不到稳定销路，价格被压得很低。",
            "介绍了供销社农产品直供渠道，帮助对接超市采购。",
            "已把采购负责人的联系方式告知群众。",
            True,
        ),
        (
            "村里灌溉水渠年久失修，春灌时放不下水。",
            "拍照记录了水渠破损情况，联系镇农业综合服务站。",
            "已告知将协调有关部门纳入维修计划。",
            False,
        ),
    ],
    "health": [
        (
            "老人有高血压和糖尿病，每个月都要到区医院开药，很不方便。",
            "讲解了慢病长处方和社区卫生服务中心取药的政策。",
            "已帮助联系社区家庭医生签约。",
            True,
        ),
        (
            "孩子咳嗽一个多月，担心是不是结核病。",
            "建议到区疾控中心结核病门诊检查，讲解了免费筛查政策。",
            "已告知门诊时间，提醒按时复查。",
            True,
        ),
        (
            "村卫生室晚上经常没有医生值班，看病要跑很远。",
            "记录了卫生室的值班情况，与镇卫生院沟通。",
            "已告知会把情况反映给区卫生健康局。",
            False,
        ),
    ],
    "economy": [
        (
            "小区周边私设地锁和石墩，车没地方停。",
            "记录了具体位置，与城管部门联系核实。",
            "已告知将作为协商议题，推动集中清理。",
            False,
        ),
        (
            "个体餐馆想贷款扩大经营，银行要求的抵押物拿不出来。",
            "介绍了创业担保贷款和小微企业信用贷款。",
            "已联系银行客户经理上门对接。",
            True,
        ),
    ],
    "science": [
        (
            "老人不会用智能手机挂号、缴费，很着急。",
            "现场手把手教会了预约挂号和扫码缴费。",
            "已告知每月有智能手机使用培训。",
            True,
        ),
        (
            "家里接到冒充客服的诈骗电话，想了解怎么防范。",
            "讲解了常见电信诈骗手法，帮助安装反诈App。",
            "已开启来电预警，提醒家人注意。",
            True,
        ),
    ],
    "culture": [
        (
            "社区文艺队想排练节目，但找不到排练场地。",
            "联系区文化馆，协调每周两个晚上开放排练厅。",
            "已告知开放时间和预约方式。",
            True,
        ),
        (
            "村里的老戏台年久失修，担心垮塌。",
            "拍照记录了戏台现状，向区文化和旅游局反映。",
            "已告知将作为文物保护建议报送。",
            False,
        ),
    ],
    "law": [
        (
            "在工地干了半年活，老板拖欠工资不给。",
            "律师委员讲解了追索劳动报酬的途径，帮助整理考勤和转账记录。",
            "已协助向劳动保障监察大队投诉，约定跟进。",
            False,
        ),
        (
            "和邻居因为宅基地界址发生争执，多次协商不成。",
            "讲解了宅基地权属的规定，建议申请人民调解。",
            "已联系村调解委员会安排调解。",
            True,
        ),
        (
            "离婚后对方不按判决支付抚养费。",
            "讲解了申请强制执行的程序和材料。",
            "已告知到区法院立案窗口申请执行。",
            True,
        ),
    ],
    "coal": [
        (
            "采煤沉陷区的房屋墙体出现裂缝，担心住着不安全。",
            "委员到现场查看房屋情况并拍照记录。",
            "已告知将协调集团和镇政府组织鉴定。",
            False,
        ),
        (
            "矿区道路运煤车多，扬尘大，晚上噪音也大。",
            "记录了运输时段和路段，与集团和交通部门沟通。",
            "已告知将推动限时限速和洒水降尘。",
            False,
        ),
        (
            "矿上退休职工的养老金发放时间推迟了。",
            "与集团人力资源部门电话核实了发放安排。",
            "已告知下月起按时足额发放。",
            True,
        ),
    ],
    "commerce": [
        (
            "下游企业拖欠货款半年多，公司资金周转困难。",
            "介绍了商会调解委员会的商事调解程序。",
            "已安排双方到商会调解室协商。",
            True,
        ),
        (
            "想了解今年对小微企业有哪些减税降费政策。",
            "税务师委员逐项讲解了适用的优惠政策。",
            "已把政策汇编发给企业财务人员。",
            True,
        ),
    ],
    "street": [
        (
            "楼道里的声控灯坏了很久，晚上上下楼很黑。",
            "联系物业当场报修。",
            "物业答应三天内修好，委员将回访。",
            True,
        ),
        (
            "小区里没有电动车充电桩，有人从楼上拉线充电。",
            "记录了小区位置和住户数量，与社区商量选址。",
            "已告知将推动社区协调安装充电设施。",
            False,
        ),
        (
            "家里老人独居，想申请居家养老上门服务。",
            "讲解了居家养老服务补贴的申请条件，联系社区网格员。",
            "已帮助提交申请材料。",
            True,
        ),
        (
            "低保年审需要的材料不清楚，怕耽误领取。",
            "对照政策讲解了年审材料，帮助填写申请表。",
            "已告知社区受理时间。",
            True,
        ),
    ],
}

# The visit that needs follow-up and becomes a resident issue the visitor follows with a code.
FOLLOW_UP = {
    "studio": "城关街道委员工作站",
    "community": "和平社区",
    "category": ResidentIssue.Category.PUBLIC_FACILITIES,
    "visitor": ("王大爷", "13900000009"),
    "raised": "和平社区3号院是上世纪90年代的六层老楼，没有电梯，住户多是老人，大家都同意加装"
    "电梯，但不知道找谁办。",
    "done": "讲解了老旧小区加装电梯的政策和补贴，记录了住户的意见。",
    "feedback": "已告知将转交街道和住建部门跟进，可凭查询码查看办理进展。",
}

# The five norms' evidence: (title, norm, picture or document).
ARCHIVE = [
    ("工作室标牌和接待场所照片", Norm.BASICS, "png"),
    ("接待登记和成果反馈流程", Norm.PROCEDURE, "pdf"),
    ("工作室工作制度汇编", Norm.RULES, "pdf"),
    ("服务群众活动照片", Norm.ACTIVITIES, "png"),
    ("入驻委员考核和退出办法", Norm.EXIT, "pdf"),
]
