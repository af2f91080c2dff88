import { accountZhCN } from './account.zh-CN';
import { dagEditorZhCN } from './dag-editor.zh-CN';
import type { Dictionary } from './en';
import { integrationDetailZhCN } from './integration-detail.zh-CN';
import { logSearchZhCN } from './log-search.zh-CN';
import { runsZhCN } from './runs.zh-CN';
import { settingsZhCN } from './settings.zh-CN';
import { templatesZhCN } from './templates.zh-CN';

/** 简体中文 */
export const zhCN: Dictionary = {
  'app.name': 'Cyclone',
  'app.tagline': '云原生的 Kubernetes CI/CD 工作流平台',
  'app.skipToContent': '跳到正文',
  ...accountZhCN,
  ...dagEditorZhCN,
  ...integrationDetailZhCN,
  ...logSearchZhCN,
  ...runsZhCN,
  ...settingsZhCN,
  ...templatesZhCN,

  'common.loading': '加载中…',
  'common.retry': '重试',
  'common.errorCode': '错误码：{code}',
  'common.notAvailable': '—',
  'common.close': '关闭',

  'language.label': '语言',
  'language.en': 'English',
  'language.zh-CN': '简体中文',

  'nav.label': '主导航',
  'nav.overview': '概览',
  'nav.projects': '项目',
  'nav.templates': '模板',
  'nav.workflows': '工作流',
  'nav.integrations': '集成中心',

  'tenant.label': '租户',
  'tenant.none': '暂无租户',
  'tenant.noneHint': '创建租户后会显示在这里。',

  'userMenu.label': '{name} 的账户菜单',
  'userMenu.signOut': '退出登录',
  'userMenu.signedInAs': '当前登录',

  'live.connected': '实时',
  'live.connecting': '连接中…',
  'live.offline': '正在重新连接…',
  'live.connectedHint': '实时更新已开启。服务器最近一次信号：{time}',
  'live.offlineHint': '与服务器的实时连接已断开，Cyclone 正在尝试重新连接。',

  'breadcrumbs.label': '面包屑导航',
  'breadcrumbs.home': 'Cyclone',

  'auth.login.title': '登录 Cyclone',
  'auth.login.subtitle': '使用管理员为你分配的账户登录。',
  'auth.login.email': '邮箱',
  'auth.login.password': '密码',
  'auth.login.submit': '登录',
  'auth.login.submitting': '正在登录…',
  'auth.login.invalidCredentials': '邮箱或密码不正确。',
  'auth.login.missingFields': '请输入邮箱和密码。',
  'auth.login.failed': '登录失败：{message}',
  'auth.sessionCheckFailed': '无法加载你的登录状态。',

  'errors.network': '无法连接到服务器，请检查网络后重试。',
  'errors.unavailable': 'Cyclone API 暂时无法访问。',
  'errors.generic': '出错了。',
  'errors.notFound.title': '页面不存在',
  'errors.notFound.body': '你访问的页面不存在或已被移动。',
  'errors.notFound.back': '返回概览',

  'engine.warningTitle': '阶段未隔离：',
  'engine.executor.host': '阶段以本机进程运行',
  'engine.executor.container': '阶段在容器中运行',
  'engine.executor.kubernetes': '阶段以 Kubernetes Pod 运行',

  'overview.title': '概览',
  'overview.description': '项目、工作流和运行记录一览。',
  'overview.stats.label': '统计',
  'overview.stats.projects': '项目',
  'overview.stats.workflows': '工作流',
  'overview.stats.runsToday': '今日运行',
  'overview.stats.successRate': '成功率',
  'overview.stats.noData': '暂无数据',
  'overview.start.title': '快速开始',
  'overview.start.body': '这里还没有任何运行记录。三步完成第一次流水线运行：',
  'overview.start.step1.title': '创建项目',
  'overview.start.step1.body': '项目用于组织一个应用的工作流、资源和集成。',
  'overview.start.step2.title': '连接代码仓库',
  'overview.start.step2.body': '在集成中心添加代码托管服务或镜像仓库。',
  'overview.start.step3.title': '添加并运行工作流',
  'overview.start.step3.body': '用阶段组成的有向图描述流水线，然后运行并实时查看进度。',
  'overview.recentRuns.title': '最近运行',
  'overview.recentRuns.emptyTitle': '暂无运行记录',
  'overview.recentRuns.emptyBody': '工作流开始运行后会立即显示在这里。',
  'overview.recentRuns.colRun': '运行',
  'overview.recentRuns.colWorkflow': '工作流',
  'overview.recentRuns.colStatus': '状态',
  'overview.recentRuns.colStarted': '开始时间',
  'overview.recentRuns.colDuration': '耗时',

  'projects.title': '项目',
  'projects.description': '项目用于组织一个应用的工作流、资源和集成。',
  'projects.emptyTitle': '暂无项目',
  'projects.emptyBody': '项目属于某个租户。工作空间有了租户之后，在这里创建项目，再向项目添加工作流。',

  'templates.title': '模板',
  'templates.description': '可复用的阶段，例如构建、测试或推送镜像，工作流可以基于它们创建阶段。',
  'templates.emptyTitle': '暂无阶段模板',
  'templates.emptyBody': '通过 Cyclone YAML 导入的阶段模板会显示在这里，可作为新阶段的起点。',

  'workflows.title': '工作流',
  'workflows.description': '由在容器中运行的阶段组成的有向图流水线。',
  'workflows.emptyTitle': '暂无工作流',
  'workflows.emptyBody': '请先创建项目，然后通过编辑器或 Cyclone YAML 向项目添加工作流。',

  'integrations.title': '集成中心',
  'integrations.description': '工作流所用外部系统的地址和凭据。',
  'integrations.emptyTitle': '暂无集成',
  'integrations.emptyBody':
    '连接代码托管服务（GitHub、GitLab、Bitbucket、SVN）、镜像仓库（Harbor、Docker Hub）、Kubernetes 集群和 SonarQube，供工作流使用。',

  'table.sortAscending': '升序排列',
  'table.sortDescending': '降序排列',

  'phase.PENDING': '等待调度',
  'phase.WAITING': '排队/暂停',
  'phase.RUNNING': '运行中',
  'phase.SUCCEEDED': '成功',
  'phase.FAILED': '失败',
  'phase.CANCELLED': '已取消',
  'phase.SKIPPED': '已跳过',

  'design.title': '设计规范',
  'design.description': 'Cyclone 界面的基础组件。',
  'design.buttons': '按钮',
  'design.fields': '输入框',
  'design.status': '状态',
  'design.table': '表格',
  'design.skeleton': '加载骨架',
  'design.empty': '空状态',
  'design.sample.primary': '主要',
  'design.sample.secondary': '次要',
  'design.sample.ghost': '幽灵',
  'design.sample.danger': '危险',
  'design.sample.disabled': '禁用',
  'design.sample.fieldLabel': '工作流名称',
  'design.sample.fieldHint': '小写字母、数字和连字符。',
  'design.sample.fieldError': '最多 63 个字符。',
  'design.sample.colName': '名称',
  'design.sample.colStatus': '状态',
  'design.sample.colDuration': '耗时',
  'design.sample.emptyTitle': '这里还没有内容',
  'design.sample.emptyBody': '说明这里会显示什么，以及第一步该做什么。',
};
