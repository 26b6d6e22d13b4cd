"""The demo's knowledge base: the policies named in the Taiyuan Daily page of August 2023 and
the everyday answers of a 12345 operator (heating, water, gas, property, garbage sorting,
social insurance, hukou …), each kept by its unit of the demo's unit tree. Two expire within
30 days (their units are reminded), one is withdrawn, one has a second version."""

import datetime

from django.db.models import Q

from longcheng.accounts.models import User
from longcheng.accounts.roles import Role
from longcheng.core.models import Unit
from longcheng.loop.models import Category

from . import services
from .models import Article, today

P, G, A, C = (
    Article.Kind.POLICY,
    Article.Kind.GUIDE,
    Article.Kind.ANSWER,
    Article.Kind.CONTACT,
)

# title, kind, unit code, category code, keywords, summary, body; optional: "until" (days from
# today), "from" (a date), "withdraw" (a reason), "revise" (new body, note).
ARTICLES: list[dict] = [
    # — The newspaper page's policies —
    {
        "title": "小店区营商环境监督委员会及特邀监督员制度",
        "kind": P,
        "unit": "xd-yshj",
        "category": "biz",
        "keywords": "营商环境,特邀监督员,监督委员会,损害营商环境",
        "summary": "企业和群众反映损害营商环境问题的受理渠道",
        "body": "小店区营商环境监督委员会于2022年1月24日成立，在驻区企业家中选聘10名特邀监督员，"
        "收集损害市场主体和群众合法权益、破坏发展环境的问题。来电反映的，可登记后转小店区营商环境"
        "监督委员会办理；需多部门协调的，由委员会全体会议研究，办理结果按时限答复来电人。",
    },
    {
        "title": "营商环境监测点和营商环境监督二维码",
        "kind": G,
        "unit": "xd-yshj",
        "category": "biz",
        "keywords": "营商环境监测点,监督二维码,扫码反映",
        "body": "小店区在政务大厅等地设立营商环境监测点并挂牌，同步推出营商环境监督二维码。"
        "企业和群众扫码即可反映营商环境方面的问题诉求，由监督委员会集中受理、转办和督办。",
    },
    {
        "title": "“办不成事”反映窗口（小店区政务大厅）",
        "kind": G,
        "unit": "xd-zwfw",
        "category": "biz-hall",
        "keywords": "办不成事,兜底窗口,政务大厅,审批",
        "summary": "在窗口办不成的事项，到专窗兜底办理",
        "body": "小店政务大厅是首批4个营商环境监测点之一，设“办不成事”反映窗口，专窗兜底解决企业"
        "群众在各窗口“办不成”的问题。请来电人携带身份证件和已办材料到政务大厅专窗登记，"
        "工作人员当场受理并协调相关部门办理。工作时间：周一至周五 9:00-12:00，13:00-17:00。",
    },
    {
        "title": "小店区招商引资五十条和商业经济三十五条政策咨询",
        "kind": P,
        "unit": "xd-yshj",
        "category": "biz",
        "keywords": "招商引资,五十条,三十五条,企业扶持,政策兑现",
        "body": "《小店区加强招商引资促进高质量发展五十条（试行）》《小店区促进商业经济高质量发展"
        "三十五条》对重点企业给予扶持。企业咨询申报条件和兑现流程的，请告知登录小店区人民政府网站"
        "查看政策全文，或到小店区政务服务中心企业服务专区咨询。",
    },
    {
        "title": "涉企检查“进一次门、查多项事”的规定",
        "kind": P,
        "unit": "xd-yshj",
        "category": "biz-inspect",
        "keywords": "涉企检查,重复检查,罚款,执法检查",
        "body": "对企业的行政检查实行计划管理和联合检查，同一部门对同一企业原则上一年内不重复检查。"
        "企业反映重复检查、随意罚款的，请记录检查单位、时间和人员，转营商环境监督委员会核查。",
    },
    {
        "title": "2023年太原能源低碳发展论坛志愿者招募",
        "kind": G,
        "unit": "ty-qnzyz",
        "category": "volunteer",
        "keywords": "志愿者招募,能源低碳发展论坛,面试,公示",
        "body": "论坛志愿者招募公告发布后共1200余名青年报名，入围面试379名。面试结果在“山西青年志愿者”"
        "“山西省青年志愿者协会”公众号公示，服务时间为8月25日至9月8日，分批次上岗。",
        "withdraw": "论坛已闭幕，招募结束。",
    },
    {
        "title": "青年志愿者注册和志愿服务时长查询",
        "kind": G,
        "unit": "ty-qnzyz",
        "category": "volunteer",
        "keywords": "志愿者注册,志愿服务时长,志愿汇",
        "body": "志愿者可通过“志愿汇”等平台实名注册并加入太原市青年志愿者协会下属队伍，服务时长由组织"
        "方在活动结束后录入，可在平台“我的时长”中查询。时长有误的，请联系活动组织方更正。",
    },
    {
        "title": "全市二级以上医疗机构依法执业专项检查",
        "kind": P,
        "unit": "ty-wj-zfd",
        "category": "health-service",
        "keywords": "医疗机构,依法执业,专项检查,病历,药品管理",
        "body": "市卫生健康综合行政执法队对全市二级以上医疗机构开展依法执业全覆盖专项检查，重点检查"
        "人员资质、处方和病历管理、麻醉药品管理、传染病疫情报告、消毒隔离、放射诊疗等。"
        "群众反映医疗机构病历书写不规范、乱开检查、药品管理混乱的，转市卫健执法队核查处理。",
    },
    {
        "title": "医疗服务投诉的受理和答复时限",
        "kind": A,
        "unit": "ty-wj-zfd-yl",
        "category": "health-service",
        "keywords": "医疗投诉,医疗纠纷,看病,医生态度,医院",
        "body": "医疗服务投诉可先向医院医务科或患者服务中心反映，医院应在5个工作日内答复；"
        "对答复不满意或涉及违法执业的，转市卫健执法队医疗卫生监督科调查。医疗损害赔偿争议可申请"
        "医疗纠纷人民调解或向人民法院起诉。",
    },
    {
        "title": "建设工地夜间施工许可与噪音投诉",
        "kind": A,
        "unit": "ty-cg-zfd-1",
        "category": "urban-noise",
        "keywords": "夜间施工,施工噪音,夜间施工许可证,工地,打桩",
        "summary": "22时至次日6时施工须取得夜间施工许可",
        "body": "夜间（22时至次日6时）在噪声敏感建筑物集中区域施工作业，须取得夜间施工证明并公告附近"
        "居民。未办理夜间施工许可的，属无证夜间施工，城管执法部门依照《中华人民共和国噪声污染"
        "防治法》立案查处。请记录工地名称、位置和施工时段，转城管执法队夜间巡查核实。",
    },
    {
        "title": "建筑工地扬尘治理“六个百分之百”",
        "kind": P,
        "unit": "ty-cg-zfd-2",
        "category": "urban-dust",
        "keywords": "扬尘,裸土,苫盖,车辆冲洗,湿法作业,渣土",
        "body": "施工工地须做到裸露土方严密苫盖、湿法作业、出入车辆冲洗、施工道路清扫保洁等要求。"
        "执法人员巡查发现扬尘隐患的，责令停工整改。来电反映工地扬尘的，请说明工地名称和位置。",
    },
    {
        "title": "夜间渣土运输车辆遗撒的举报",
        "kind": A,
        "unit": "ty-cg-zfd-2",
        "category": "urban-dust",
        "keywords": "渣土车,遗撒,夜间渣土运输,抛洒",
        "body": "夜间渣土运输是重要的扬尘污染源。渣土车须密闭运输、按核准路线和时间行驶。"
        "群众发现渣土车遗撒、未密闭的，请记录车牌号、时间和路段，城管执法部门将调取监控依法处理。",
    },
    {
        "title": "打击非法营运（黑车）举报途径",
        "kind": A,
        "unit": "rail-police-jg",
        "category": "traffic-illegal",
        "keywords": "非法营运,黑车,拉客,火车站",
        "body": "太原铁路公安处交管支队持续开展打击非法营运行动。在火车站等地遇到拉客、黑车的，"
        "请不要乘坐，记录车牌号和地点，拨打110或12345反映，公安交管部门依法查处。",
    },
    {
        "title": "国调（太忻）产业基金与“基金丛林”政策咨询",
        "kind": P,
        "unit": "ty-fgw",
        "category": "project",
        "keywords": "产业基金,基金丛林,天使基金,创投基金,融资",
        "body": "我市加快推进国调（太忻）产业基金组建，构建由种子基金、天使基金、创投基金、产业基金"
        "等组成的基金群。企业咨询基金投资申报的，请告知联系市发改委或市国资运营平台投资管理部。",
    },
    # — Everyday 12345 answers —
    {
        "title": "太原市供暖期和室温标准",
        "kind": P,
        "unit": "ty-grb",
        "category": "heating",
        "keywords": "供暖期,供暖时间,室温标准,暖气,供热",
        "summary": "供暖期11月1日至次年3月31日，室温不低于18℃",
        "body": "太原市法定供暖期为每年11月1日至次年3月31日，可视天气提前或延长供暖。"
        "供暖期间居室温度不得低于18℃。",
    },
    {
        "title": "暖气不热、室温不达标的处理",
        "kind": A,
        "unit": "ty-grb",
        "category": "heating-cold",
        "keywords": "暖气不热,室温不达标,暖气片不热,忽冷忽热,测温",
        "summary": "先报修供热企业，24小时内上门测温",
        "body": "请您先拨打所在小区供热企业的客服电话报修，供热企业应在24小时内上门测温。"
        "测温低于18℃的，供热企业须查明原因、限期整改，并按规定退还相应天数的取暖费。"
        "供热企业不处理的，我们将转市供热管理办公室督办。",
        "revise": (
            "请您先拨打所在小区供热企业的客服电话报修，供热企业应在24小时内上门测温，测温须有"
            "住户在场并出具测温单。测温低于18℃的，供热企业须查明原因、限期整改，并按规定退还"
            "相应天数的取暖费。供热企业不处理的，我们将转市供热管理办公室督办。",
            "测温须出具测温单",
        ),
    },
    {
        "title": "取暖费收费标准和缴费时间",
        "kind": A,
        "unit": "ty-grb",
        "category": "heating-fee",
        "keywords": "取暖费,供暖费,收费标准,缴费",
        "body": "居民取暖费按建筑面积计收，执行市发展改革部门核定的价格，请于供暖期开始前到供热企业"
        "营业厅或其线上渠道缴纳。对收费有异议的，可转市供热管理办公室核实。",
    },
    {
        "title": "供热报停与开栓办理",
        "kind": G,
        "unit": "ty-grb",
        "category": "heating-fee",
        "keywords": "报停,开栓,停供,空置房",
        "body": "房屋长期空置需报停供热的，请在每年10月15日前持房产证明和身份证到供热企业申请，"
        "报停须符合分户控制条件，报停期间按规定缴纳基本热费。恢复供热请提前申请开栓。",
    },
    {
        "title": "计划停水通知的查询",
        "kind": A,
        "unit": "ty-swj",
        "category": "water-outage",
        "keywords": "停水,没水,停水通知,恢复供水",
        "body": "计划停水由供水企业提前24小时在小区公告栏、官方网站和公众号发布，注明停水区域和"
        "恢复时间。未接到通知突然停水的，可能为管网抢修，请提供小区名称和楼号，转市水务局核实。",
    },
    {
        "title": "水压低、高层用水困难（二次供水）",
        "kind": A,
        "unit": "ty-swj",
        "category": "water-outage",
        "keywords": "水压低,水压,二次供水,高层没水,水箱",
        "body": "高层住户水压不足多与小区二次供水设施有关，请先联系物业检查加压设备；"
        "二次供水设施移交供水企业管理的，由供水企业负责维修。请提供小区名称和楼层。",
    },
    {
        "title": "自来水发黄、浑浊的处理",
        "kind": A,
        "unit": "ty-swj",
        "category": "water-quality",
        "keywords": "水质,发黄,浑浊,铁锈,异味",
        "body": "停水恢复后短时发黄多为管道铁锈，放水几分钟即可；持续发黄、浑浊或有异味的，"
        "请暂停饮用，提供小区和楼号，转供水企业取样检测。",
    },
    {
        "title": "闻到燃气味怎么办（燃气泄漏应急）",
        "kind": A,
        "unit": "ty-rq",
        "category": "gas-safety",
        "keywords": "燃气泄漏,煤气味,漏气,燃气味,天然气",
        "summary": "立即关阀、开窗、不开关电器，到室外拨打抢修电话",
        "body": "请立即关闭燃气表前阀门，打开门窗通风，不要开关电器、不要使用明火和手机，"
        "迅速离开房间，到室外拨打燃气公司24小时抢修电话。情况紧急请拨打119。",
    },
    {
        "title": "燃气开户通气和IC卡充值",
        "kind": G,
        "unit": "ty-rq",
        "category": "gas-service",
        "keywords": "燃气报装,开户,通气,IC卡,燃气费,充值",
        "body": "新房开通燃气请持房产证明和身份证到燃气公司营业厅办理开户，预约上门安检通气。"
        "IC卡表可在营业厅、合作银行网点或燃气公司公众号充值，充值后须插卡写入。",
    },
    {
        "title": "燃气公司营业厅和24小时抢修电话",
        "kind": C,
        "unit": "ty-rq",
        "category": "gas",
        "keywords": "燃气公司电话,抢修电话,营业厅",
        "body": "燃气抢修24小时受理；营业厅周一至周日 8:30-17:30 营业（法定节假日另行公告）。",
    },
    {
        "title": "物业服务收费争议",
        "kind": A,
        "unit": "ty-zjj",
        "category": "property",
        "keywords": "物业费,物业收费,物业服务,乱收费",
        "body": "物业服务收费应按合同约定和公示标准执行。对收费有异议的，请先与物业服务企业协商，"
        "协商不成的可向所在街道办事处或市住建局物业管理科反映；涉及价格违法的转市场监管部门。",
    },
    {
        "title": "电梯故障、困人的处理",
        "kind": A,
        "unit": "ty-zjj",
        "category": "property",
        "keywords": "电梯,电梯故障,困人,电梯维修",
        "body": "电梯困人请立即拨打轿厢内的应急电话或119，不要强行扒门。电梯长期故障未修的，"
        "请提供小区和楼号，转物业和特种设备监管部门督促维修。",
    },
    {
        "title": "业主委员会成立的条件和流程",
        "kind": G,
        "unit": "ty-zjj",
        "category": "property",
        "keywords": "业主委员会,业委会,业主大会",
        "body": "成立业主委员会须由业主向街道办事处提出申请，成立筹备组，召开首次业主大会会议"
        "选举产生。详细流程可咨询所在街道办事处或社区居委会。",
    },
    {
        "title": "生活垃圾分类的四类和投放时间",
        "kind": G,
        "unit": "ty-hw",
        "category": "urban-garbage",
        "keywords": "垃圾分类,厨余垃圾,可回收物,有害垃圾,其他垃圾",
        "body": "生活垃圾分为可回收物、有害垃圾、厨余垃圾和其他垃圾四类，请按小区公示的时间和地点"
        "分类投放。大件垃圾和装修垃圾请联系物业预约清运。",
    },
    {
        "title": "垃圾清运不及时、垃圾桶满溢",
        "kind": A,
        "unit": "ty-hw",
        "category": "urban-garbage",
        "keywords": "垃圾清运,垃圾桶满,垃圾站,臭味",
        "body": "小区内垃圾由物业收集，街道垃圾桶和垃圾站由环卫部门清运，原则上每日清运。"
        "请说明具体位置，我们转市环卫中心安排清运。",
    },
    {
        "title": "城乡居民养老保险缴费和待遇领取",
        "kind": G,
        "unit": "ty-gov",
        "category": None,
        "keywords": "社保,养老保险,城乡居民,缴费,退休",
        "body": "城乡居民养老保险按年缴费，可通过社区、银行或“民生山西”APP缴纳。年满60周岁、累计"
        "缴费满15年的可按月领取待遇，请携带身份证和户口簿到户籍所在地社保经办机构办理。",
    },
    {
        "title": "社保卡补办和挂失",
        "kind": G,
        "unit": "ty-gov",
        "category": None,
        "keywords": "社保卡,补卡,挂失,医保卡",
        "body": "社保卡丢失请先通过“民生山西”APP或拨打12333挂失，再持身份证到合作银行网点补办，"
        "即时制卡网点可当场领卡。",
    },
    {
        "title": "户籍业务办理窗口和时间",
        "kind": C,
        "unit": "ty-gaj",
        "category": None,
        "keywords": "户籍,户口,派出所,落户,迁移",
        "summary": "派出所户籍窗口工作时间",
        "body": "户籍业务在户籍所在地派出所户籍窗口办理，工作时间为周一至周五 8:30-12:00，"
        "14:30-17:30（冬季 14:00-17:00），部分窗口周六上午开放。请提前通过“太原公安”公众号查询"
        "所需材料。",
    },
    {
        "title": "身份证到期换领和异地办理",
        "kind": G,
        "unit": "ty-gaj",
        "category": None,
        "keywords": "身份证,换领,补领,异地办证",
        "body": "身份证有效期满前三个月可申请换领，可在任一户籍窗口办理，异地居民也可在太原市公安局"
        "指定窗口申请，约15个工作日后领取或邮寄。",
    },
    {
        "title": "违停占用消防通道的处理",
        "kind": A,
        "unit": "ty-gaj-jj",
        "category": "traffic-order",
        "keywords": "违停,消防通道,乱停车,挪车",
        "body": "道路上的违停由交警部门处理，小区内占用消防通道由物业劝离、消防部门依法查处。"
        "需要挪车的，可使用“交管12123”APP一键挪车。",
    },
    {
        "title": "食品安全问题的投诉",
        "kind": A,
        "unit": "ty-scjg",
        "category": "market-food",
        "keywords": "食品安全,过期,变质,后厨,外卖",
        "body": "请保留购物凭证和问题食品，说明商家名称、地址和购买时间，我们转市场监管部门核查；"
        "出现身体不适请及时就医并保留病历。",
    },
    {
        "title": "预付卡退费纠纷",
        "kind": A,
        "unit": "ty-scjg",
        "category": "market-consume",
        "keywords": "预付卡,办卡,退费,跑路,健身卡",
        "body": "预付卡消费纠纷请先与经营者协商，协商不成的可向市场监管部门投诉，商家关门失联的建议"
        "向公安机关报案。请保留办卡合同、付款记录和卡片。",
    },
    {
        "title": "路灯不亮的报修",
        "kind": A,
        "unit": "ty-szss",
        "category": "municipal-light",
        "keywords": "路灯,不亮,灯杆,照明",
        "body": "请说明路灯所在道路、附近门牌号或灯杆编号，我们转市政设施管理中心维修，"
        "一般故障3日内修复。",
    },
    {
        "title": "井盖缺失、破损的紧急处置",
        "kind": A,
        "unit": "ty-szss",
        "category": "municipal-manhole",
        "keywords": "井盖,井盖缺失,窨井,破损",
        "body": "井盖缺失、破损存在安全隐患，请在保证安全的前提下设置警示，说明准确位置，"
        "我们按紧急件转市政设施管理中心2小时内到场处置。",
    },
    {
        "title": "本采暖季各供热企业服务电话",
        "kind": C,
        "unit": "ty-grb",
        "category": "heating",
        "keywords": "供热企业电话,供热服务电话,报修电话",
        "body": "各供热企业服务电话以本采暖季公布为准，来电人可告知小区名称，由话务员查询后告知。",
        "until": 12,
    },
    {
        "title": "夏季高温期间户外作业时间调整",
        "kind": P,
        "unit": "ty-cg-zfd",
        "category": "urban",
        "keywords": "高温,户外作业,工地作业时间",
        "body": "高温天气期间，工地户外作业应避开12时至16时；违规安排高温时段作业的，可向住建和"
        "城管部门反映。",
        "until": 25,
    },
    {
        "title": "12345热线受理范围和办理时限",
        "kind": G,
        "unit": "ty-12345",
        "category": None,
        "keywords": "12345,受理范围,办理时限,回访",
        "body": "12345热线受理企业和群众的咨询、求助、投诉、举报和建议，24小时人工服务。咨询类一般"
        "当场答复，其他诉求按派单目录转承办单位，在规定时限内办结并回访。",
    },
]


def _author(unit: Unit) -> User:
    clerk = (
        User.objects.filter(unit=unit, role__in=[Role.CLERK, Role.LEADER], is_active=True)
        .order_by("role", "pk")
        .first()
    )
    return clerk or User.objects.get(username="dispatcher")


def seed(log) -> None:
    if not User.objects.filter(username="dispatcher").exists():
        log("知识库：没有派单中心账号，跳过。")
        return
    existing = set(Article.objects.values_list("title", flat=True))
    made = 0
    day = today()
    for item in ARTICLES:
        if item["title"] in existing:
            continue
        unit = Unit.objects.filter(code=item["unit"]).first()
        if unit is None:
            continue
        category = (
            Category.objects.filter(code=item["category"]).first() if item["category"] else None
        )
        author = _author(unit)
        until = day + datetime.timedelta(days=item["until"]) if "until" in item else None
        article = services.article_create(
            actor=author,
            title=item["title"],
            kind=item["kind"],
            unit=unit,
            category=category,
            summary=item.get("summary", ""),
            keywords=item["keywords"],
            body=item["body"],
            valid_from=datetime.date(2023, 8, 1),
            valid_until=until,
            publish=True,
            note="首次发布",
        )
        if "revise" in item:
            body, note = item["revise"]
            article = services.article_edit(
                article=article,
                actor=author,
                expected_version=article.version,
                body=body,
                note=note,
            )
        if "withdraw" in item:
            services.article_withdraw(
                article=article,
                actor=author,
                expected_version=article.version,
                reason=item["withdraw"],
            )
        made += 1
    # The reminders of the articles about to expire, as the daily job sends them.
    reminded = services.knowledge_expiry_sweep()
    expiring = Article.objects.filter(
        Q(status=Article.Status.PUBLISHED) & Q(valid_until__isnull=False)
    ).count()
    log(
        f"知识库 {Article.objects.count()} 条（本次新增 {made}），"
        f"有失效日期 {expiring} 条，到期提醒 {reminded} 条。"
    )
