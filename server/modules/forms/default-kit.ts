/**
 * The default field kit, from ../shared/DOMAIN.md: opening, voting and closing & counting checklists with Kyrgyzstan's
 * specifics (biometric identification, automatic ballot-reading boxes, machine count vs manual count) and the finding
 * taxonomy. A mission that sets up its own kit replaces all of it. Form ids carry a version: a changed form is a new id.
 */
import type { ChecklistForm, FieldKit, FindingCategory, LocalizedText, Question } from '../../../shared/schemas/forms';

function text(en: string, ru: string, az: string, ky: string): LocalizedText {
  return { en, ru, az, ky };
}

/** A yes/no question whose `problemAnswer` is the answer that means something went wrong. */
function yesNo(
  id: string,
  label: LocalizedText,
  problemAnswer: boolean,
  required = true,
  extra: Pick<Question, 'showIf'> = {},
): Question {
  return { id, type: 'yes_no', label, required, problemIf: { answers: [problemAnswer] }, ...extra };
}

function count(
  id: string,
  label: LocalizedText,
  required: boolean,
  extra: { max?: number; problemAbove?: number } = {},
): Question {
  return {
    id,
    type: 'number',
    label,
    required,
    integer: true,
    min: 0,
    ...(extra.max !== undefined ? { max: extra.max } : {}),
    ...(extra.problemAbove !== undefined ? { problemIf: { above: extra.problemAbove } } : {}),
  };
}

const NOTES: Question = {
  id: 'notes',
  type: 'text',
  label: text('Other observations', 'Другие наблюдения', 'Digər müşahidələr', 'Башка байкоолор'),
  required: false,
  maxLength: 2000,
};

const UNAUTHORIZED = yesNo(
  'unauthorized_present',
  text(
    'Were unauthorized persons (including police) present inside?',
    'Присутствовали ли внутри посторонние лица (в том числе полиция)?',
    'İçəridə kənar şəxslər (polis də daxil olmaqla) var idimi?',
    'Ичинде бөтөн адамдар (анын ичинде милиция) болгонбу?',
  ),
  true,
);

const OPENING: ChecklistForm = {
  id: 'opening-v1',
  phase: 'opening',
  title: text('Opening', 'Открытие', 'Açılış', 'Ачылыш'),
  questions: [
    yesNo(
      'opened_on_time',
      text(
        'Did the station open on time (08:00)?',
        'Открылся ли участок вовремя (08:00)?',
        'Məntəqə vaxtında (08:00) açıldımı?',
        'Участок өз убагында (08:00) ачылдыбы?',
      ),
      false,
    ),
    yesNo(
      'members_present',
      text(
        'Were all commission members present?',
        'Присутствовали ли все члены комиссии?',
        'Komissiyanın bütün üzvləri iştirak edirdimi?',
        'Комиссиянын бардык мүчөлөрү катыштыбы?',
      ),
      false,
    ),
    yesNo(
      'materials_complete',
      text(
        'Were the election materials complete?',
        'Были ли избирательные материалы в полном комплекте?',
        'Seçki materialları tam idimi?',
        'Шайлоо материалдары толук болдубу?',
      ),
      false,
    ),
    yesNo(
      'boxes_shown_empty',
      text(
        'Were the ballot boxes, including the automatic box, shown empty and sealed?',
        'Были ли урны, включая автоматическую, показаны пустыми и опечатаны?',
        'Seçki qutuları, o cümlədən avtomatik qutu, boş göstərilib möhürləndimi?',
        'Шайлоо кутулары, анын ичинде автоматтык кутусу, бош экени көрсөтүлүп, мөөр басылдыбы?',
      ),
      false,
    ),
    yesNo(
      'control_sheet',
      text(
        'Was a control sheet placed in the box?',
        'Был ли помещён в урну контрольный лист?',
        'Qutuya nəzarət vərəqəsi qoyuldumu?',
        'Кутуга контролдук баракча салындыбы?',
      ),
      false,
    ),
    yesNo(
      'ballots_counted',
      text(
        'Were the ballots received counted and recorded?',
        'Были ли полученные бюллетени подсчитаны и записаны?',
        'Alınan bülletenlər sayılıb qeydə alındımı?',
        'Алынган бюллетендер саналып, катталдыбы?',
      ),
      false,
    ),
    count(
      'ballots_received',
      text('Ballots received', 'Получено бюллетеней', 'Alınan bülletenlər', 'Алынган бюллетендер'),
      false,
    ),
    yesNo(
      'observers_allowed',
      text(
        'Were observers allowed to watch everything?',
        'Могли ли наблюдатели видеть всё?',
        'Müşahidəçilərə hər şeyi izləməyə icazə verildimi?',
        'Байкоочуларга баарын көрүүгө уруксат берилдиби?',
      ),
      false,
    ),
    yesNo(
      'secrecy_layout',
      text(
        'Does the layout ensure the secrecy of the vote?',
        'Обеспечивает ли планировка тайну голосования?',
        'Yerləşmə səsvermənin gizliliyini təmin edirmi?',
        'Жайгаштыруу добуш берүүнүн жашыруундугун камсыз кылабы?',
      ),
      false,
    ),
    UNAUTHORIZED,
    NOTES,
  ],
  checks: [],
};

const VOTING_ISSUES = [
  [
    'group_voting',
    text(
      'Group or family voting',
      'Групповое или семейное голосование',
      'Qrup və ya ailə səsverməsi',
      'Топтук же үй-бүлөлүк добуш берүү',
    ),
  ],
  [
    'ballot_stuffing',
    text('Ballot stuffing', 'Вброс бюллетеней', 'Bülletenlərin qanunsuz atılması', 'Бюллетендерди таштоо'),
  ],
  ['carousel', text('Carousel voting', '«Карусель»', '"Karusel" səsverməsi', '«Карусель»')],
  [
    'police_inside',
    text(
      'Police or unauthorized persons inside',
      'Полиция или посторонние внутри',
      'İçəridə polis və ya kənar şəxslər',
      'Ичинде милиция же бөтөн адамдар',
    ),
  ],
  [
    'campaigning',
    text(
      'Campaigning in or near the station',
      'Агитация на участке или рядом',
      'Məntəqədə və ya yaxınlığında təşviqat',
      'Участокто же анын жанында үгүт',
    ),
  ],
  ['pressure', text('Pressure on voters', 'Давление на избирателей', 'Seçicilərə təzyiq', 'Шайлоочуларга кысым')],
  ['overcrowding', text('Overcrowding', 'Переполненность', 'Izdiham', 'Адам өтө көп')],
  [
    'not_accessible',
    text(
      'Not accessible for voters with disabilities',
      'Недоступно для избирателей с инвалидностью',
      'Əlilliyi olan seçicilər üçün əlçatan deyil',
      'Мүмкүнчүлүгү чектелген шайлоочулар үчүн жеткиликсиз',
    ),
  ],
  [
    'observers_restricted',
    text(
      "Observers' access restricted",
      'Доступ наблюдателей ограничен',
      'Müşahidəçilərin girişi məhdudlaşdırılıb',
      'Байкоочулардын мүмкүнчүлүгү чектелген',
    ),
  ],
] as const;

const VOTING: ChecklistForm = {
  id: 'voting-v1',
  phase: 'voting',
  title: text('Voting', 'Голосование', 'Səsvermə', 'Добуш берүү'),
  questions: [
    yesNo(
      'id_checked',
      text(
        "Was every voter's identity checked?",
        'Проверялась ли личность каждого избирателя?',
        'Hər seçicinin şəxsiyyəti yoxlanıldımı?',
        'Ар бир шайлоочунун инсандыгы текшерилдиби?',
      ),
      false,
    ),
    yesNo(
      'biometric_working',
      text(
        'Was the biometric identification working?',
        'Работала ли биометрическая идентификация?',
        'Biometrik eyniləşdirmə işləyirdimi?',
        'Биометрикалык идентификация иштедиби?',
      ),
      false,
    ),
    yesNo(
      'secrecy',
      text(
        'Was the secrecy of the vote respected?',
        'Соблюдалась ли тайна голосования?',
        'Səsvermənin gizliliyinə riayət olundumu?',
        'Добуш берүүнүн жашыруундугу сакталдыбы?',
      ),
      false,
    ),
    yesNo(
      'auto_box_working',
      text(
        'Was the automatic ballot box working?',
        'Работала ли автоматическая урна?',
        'Avtomatik seçki qutusu işləyirdimi?',
        'Автоматтык шайлоо кутусу иштедиби?',
      ),
      false,
    ),
    {
      id: 'issues',
      type: 'multiple_choice',
      label: text(
        'What did you see? (tick all that apply)',
        'Что вы видели? (отметьте всё)',
        'Nə gördünüz? (hamısını qeyd edin)',
        'Эмнени көрдүңүз? (баарын белгилеңиз)',
      ),
      required: false,
      options: VOTING_ISSUES.map(([id, label]) => ({ id, label })),
      problemIf: { answers: VOTING_ISSUES.map(([id]) => id) },
    },
    {
      id: 'mobile_box_used',
      type: 'yes_no',
      label: text(
        'Was the mobile (outside) ballot box used?',
        'Использовалась ли переносная урна?',
        'Səyyar seçki qutusundan istifadə olundumu?',
        'Көчмө шайлоо кутусу колдонулдубу?',
      ),
      required: false,
    },
    yesNo(
      'mobile_box_procedures',
      text(
        'Were the mobile box procedures followed?',
        'Соблюдались ли процедуры с переносной урной?',
        'Səyyar qutu prosedurlarına riayət olundumu?',
        'Көчмө кутунун жол-жоболору сакталдыбы?',
      ),
      false,
      true,
      { showIf: { question: 'mobile_box_used', equals: true } },
    ),
    count(
      'queue_minutes',
      text(
        'Queue outside, in minutes',
        'Очередь снаружи, в минутах',
        'Çöldə növbə, dəqiqə ilə',
        'Сырттагы кезек, мүнөт менен',
      ),
      false,
      { max: 600, problemAbove: 60 },
    ),
    count(
      'ballots_issued',
      text(
        'Ballots issued so far (from the register)',
        'Выдано бюллетеней на данный момент (по списку)',
        'İndiyədək verilən bülletenlər (siyahıya görə)',
        'Ушул убакка чейин берилген бюллетендер (тизме боюнча)',
      ),
      false,
    ),
    count(
      'box_counter',
      text(
        'Automatic box counter reading',
        'Показание счётчика автоматической урны',
        'Avtomatik qutunun sayğac göstəricisi',
        'Автоматтык кутунун эсептегичинин көрсөткүчү',
      ),
      false,
    ),
    UNAUTHORIZED,
    NOTES,
  ],
  checks: [
    {
      id: 'counter_vs_issued',
      left: ['box_counter'],
      operator: '<=',
      right: ['ballots_issued'],
      onFail: 'flag',
      message: text(
        'The box counted more ballots than were issued',
        'Урна насчитала больше бюллетеней, чем было выдано',
        'Qutu verilən bülletenlərdən çox bülleten sayıb',
        'Куту берилген бюллетендерден көбүрөөк бюллетень эсептеген',
      ),
    },
  ],
};

const CLOSING: ChecklistForm = {
  id: 'closing-v1',
  phase: 'closing',
  title: text('Closing and counting', 'Закрытие и подсчёт', 'Bağlanış və sayım', 'Жабылыш жана эсептөө'),
  questions: [
    yesNo(
      'closed_on_time',
      text(
        'Did the station close on time (20:00)?',
        'Закрылся ли участок вовремя (20:00)?',
        'Məntəqə vaxtında (20:00) bağlandımı?',
        'Участок өз убагында (20:00) жабылдыбы?',
      ),
      false,
    ),
    yesNo(
      'queue_allowed',
      text(
        'Could voters in line at closing still vote?',
        'Смогли ли проголосовать избиратели, стоявшие в очереди?',
        'Bağlanış zamanı növbədə olan seçicilər səs verə bildimi?',
        'Жабылганда кезекте турган шайлоочулар добуш бере алдыбы?',
      ),
      false,
    ),
    yesNo(
      'unused_cancelled',
      text(
        'Were unused ballots cancelled before the count?',
        'Были ли погашены неиспользованные бюллетени до подсчёта?',
        'İstifadə olunmamış bülletenlər sayımdan əvvəl ləğv edildimi?',
        'Колдонулбаган бюллетендер эсептөөгө чейин жокко чыгарылдыбы?',
      ),
      false,
    ),
    yesNo(
      'mobile_box_first',
      text(
        'Was the mobile box opened first?',
        'Была ли переносная урна вскрыта первой?',
        'Səyyar qutu birinci açıldımı?',
        'Көчмө куту биринчи ачылдыбы?',
      ),
      false,
      false,
    ),
    yesNo(
      'validity_consistent',
      text(
        'Were decisions on ballot validity consistent?',
        'Последовательно ли решался вопрос о действительности бюллетеней?',
        'Bülletenlərin etibarlılığı ilə bağlı qərarlar ardıcıl idimi?',
        'Бюллетендердин жарактуулугу боюнча чечимдер бирдей болдубу?',
      ),
      false,
    ),
    count(
      'registered_voters',
      text('Registered voters', 'Избирателей в списке', 'Siyahıda olan seçicilər', 'Тизмедеги шайлоочулар'),
      true,
    ),
    count(
      'ballots_received',
      text('Ballots received', 'Получено бюллетеней', 'Alınan bülletenlər', 'Алынган бюллетендер'),
      true,
    ),
    count(
      'ballots_issued',
      text(
        'Ballots issued to voters',
        'Выдано бюллетеней избирателям',
        'Seçicilərə verilən bülletenlər',
        'Шайлоочуларга берилген бюллетендер',
      ),
      true,
    ),
    count(
      'ballots_unused',
      text(
        'Unused ballots cancelled',
        'Погашено неиспользованных бюллетеней',
        'Ləğv edilmiş istifadə olunmamış bülletenlər',
        'Жокко чыгарылган колдонулбаган бюллетендер',
      ),
      true,
    ),
    count(
      'ballots_found',
      text(
        'Ballots found in the boxes (manual count)',
        'Бюллетеней в урнах (ручной подсчёт)',
        'Qutularda tapılan bülletenlər (əl ilə sayım)',
        'Кутулардагы бюллетендер (кол менен эсептөө)',
      ),
      true,
    ),
    count(
      'valid_ballots',
      text('Valid ballots', 'Действительных бюллетеней', 'Etibarlı bülletenlər', 'Жарактуу бюллетендер'),
      true,
    ),
    count(
      'invalid_ballots',
      text('Invalid ballots', 'Недействительных бюллетеней', 'Etibarsız bülletenlər', 'Жараксыз бюллетендер'),
      true,
    ),
    count(
      'machine_count',
      text(
        'Automatic box count (printout)',
        'Подсчёт автоматической урны (распечатка)',
        'Avtomatik qutunun sayı (çap)',
        'Автоматтык кутунун эсеби (басылмасы)',
      ),
      true,
    ),
    yesNo(
      'protocol_posted',
      text(
        'Was the protocol filled in, signed and posted publicly?',
        'Был ли протокол заполнен, подписан и вывешен?',
        'Protokol doldurulub, imzalanıb və ictimaiyyətə açıq asıldımı?',
        'Протокол толтурулуп, кол коюлуп, элге илиндиби?',
      ),
      false,
    ),
    yesNo(
      'copy_given',
      text(
        'Were observers given a copy of the protocol?',
        'Выдали ли наблюдателям копию протокола?',
        'Müşahidəçilərə protokolun surəti verildimi?',
        'Байкоочуларга протоколдун көчүрмөсү берилдиби?',
      ),
      false,
    ),
    yesNo(
      'clear_view',
      text(
        'Did observers have a clear view of the count?',
        'Хорошо ли наблюдатели видели подсчёт?',
        'Müşahidəçilər sayımı aydın görə bildimi?',
        'Байкоочулар эсептөөнү так көрө алдыбы?',
      ),
      false,
    ),
    UNAUTHORIZED,
    NOTES,
  ],
  checks: [
    {
      id: 'found_vs_issued',
      left: ['ballots_found'],
      operator: '<=',
      right: ['ballots_issued'],
      onFail: 'flag',
      message: text(
        'More ballots were found than were issued',
        'Найдено больше бюллетеней, чем было выдано',
        'Verilən bülletenlərdən çox bülleten tapılıb',
        'Берилгенден көбүрөөк бюллетень табылды',
      ),
    },
    {
      id: 'valid_plus_invalid',
      left: ['valid_ballots', 'invalid_ballots'],
      operator: '=',
      right: ['ballots_found'],
      onFail: 'flag',
      message: text(
        'Valid plus invalid ballots must equal the ballots found',
        'Сумма действительных и недействительных должна равняться найденным бюллетеням',
        'Etibarlı və etibarsız bülletenlərin cəmi tapılan bülletenlərə bərabər olmalıdır',
        'Жарактуу жана жараксыз бюллетендердин суммасы табылган бюллетендерге барабар болушу керек',
      ),
    },
    {
      id: 'issued_plus_unused',
      left: ['ballots_issued', 'ballots_unused'],
      operator: '<=',
      right: ['ballots_received'],
      onFail: 'flag',
      message: text(
        'Issued plus cancelled ballots exceed the ballots received',
        'Выданные и погашенные бюллетени превышают полученные',
        'Verilən və ləğv edilən bülletenlər alınanlardan çoxdur',
        'Берилген жана жокко чыгарылган бюллетендер алынгандан ашып кетти',
      ),
    },
    {
      id: 'issued_vs_registered',
      left: ['ballots_issued'],
      operator: '<=',
      right: ['registered_voters'],
      onFail: 'flag',
      message: text(
        'More ballots were issued than there are registered voters',
        'Выдано больше бюллетеней, чем избирателей в списке',
        'Siyahıdakı seçicilərdən çox bülleten verilib',
        'Тизмедеги шайлоочулардан көбүрөөк бюллетень берилген',
      ),
    },
    {
      id: 'machine_vs_manual',
      left: ['machine_count'],
      operator: '=',
      right: ['ballots_found'],
      onFail: 'flag',
      message: text(
        'The automatic box count differs from the manual count',
        'Подсчёт автоматической урны расходится с ручным',
        'Avtomatik qutunun sayı əl ilə sayımdan fərqlənir',
        'Автоматтык кутунун эсеби кол менен эсептөөдөн айырмаланат',
      ),
    },
  ],
};

const CATEGORIES: [string, LocalizedText][] = [
  [
    'intimidation',
    text(
      'Intimidation or pressure on voters',
      'Запугивание или давление на избирателей',
      'Seçicilərə hədə-qorxu və ya təzyiq',
      'Шайлоочуларды коркутуу же кысым көрсөтүү',
    ),
  ],
  ['campaigning', text('Campaigning at the station', 'Агитация на участке', 'Məntəqədə təşviqat', 'Участоктогу үгүт')],
  ['vote_buying', text('Vote buying', 'Подкуп избирателей', 'Səslərin satın alınması', 'Добуш сатып алуу')],
  [
    'admin_resources',
    text(
      'Misuse of administrative resources',
      'Использование административного ресурса',
      'İnzibati resurslardan sui-istifadə',
      'Административдик ресурстан кыянаттык менен пайдалануу',
    ),
  ],
  [
    'observer_rights',
    text(
      "Restricting observers' rights",
      'Ограничение прав наблюдателей',
      'Müşahidəçilərin hüquqlarının məhdudlaşdırılması',
      'Байкоочулардын укуктарын чектөө',
    ),
  ],
  [
    'unauthorized_persons',
    text(
      'Unauthorized persons present',
      'Присутствие посторонних лиц',
      'Kənar şəxslərin olması',
      'Бөтөн адамдардын болушу',
    ),
  ],
  [
    'voter_identification',
    text(
      'Voter identification violations',
      'Нарушения при идентификации избирателей',
      'Seçicilərin eyniləşdirilməsində pozuntular',
      'Шайлоочуларды идентификациялоодогу бузуулар',
    ),
  ],
  [
    'refused_vote',
    text(
      'Illegal refusal to let someone vote',
      'Незаконный отказ в голосовании',
      'Səsverməyə qanunsuz imkan verilməməsi',
      'Добуш берүүгө мыйзамсыз жол бербөө',
    ),
  ],
  [
    'multiple_voting',
    text('Multiple voting', 'Многократное голосование', 'Çoxsaylı səsvermə', 'Бир нече жолу добуш берүү'),
  ],
  [
    'group_voting',
    text(
      'Group or family voting',
      'Групповое или семейное голосование',
      'Qrup və ya ailə səsverməsi',
      'Топтук же үй-бүлөлүк добуш берүү',
    ),
  ],
  [
    'secrecy',
    text(
      'Secrecy of the vote violated',
      'Нарушение тайны голосования',
      'Səsvermənin gizliliyinin pozulması',
      'Добуш берүүнүн жашыруундугун бузуу',
    ),
  ],
  [
    'ballot_stuffing',
    text('Ballot stuffing', 'Вброс бюллетеней', 'Bülletenlərin qanunsuz atılması', 'Бюллетендерди таштоо'),
  ],
  ['carousel', text('Carousel voting', '«Карусель»', '"Karusel" səsverməsi', '«Карусель»')],
  [
    'mobile_box',
    text(
      'Mobile ballot box abuse',
      'Нарушения с переносной урной',
      'Səyyar seçki qutusu ilə bağlı pozuntular',
      'Көчмө шайлоо кутусу менен бузуулар',
    ),
  ],
  [
    'more_ballots_than_voters',
    text(
      'More ballots than voters',
      'Бюллетеней больше, чем избирателей',
      'Bülletenlər seçicilərdən çoxdur',
      'Бюллетендер шайлоочулардан көп',
    ),
  ],
  [
    'materials_damage',
    text(
      'Damage to or seizure of materials',
      'Порча или изъятие материалов',
      'Materialların zədələnməsi və ya götürülməsi',
      'Материалдарды бузуу же алып коюу',
    ),
  ],
  [
    'auto_box_failure',
    text(
      'Automatic ballot box failure',
      'Сбой автоматической урны',
      'Avtomatik seçki qutusunun nasazlığı',
      'Автоматтык шайлоо кутусунун бузулушу',
    ),
  ],
  [
    'count_discrepancy',
    text(
      'Machine vs manual count discrepancy',
      'Расхождение машинного и ручного подсчёта',
      'Avtomatik və əl ilə sayım arasında uyğunsuzluq',
      'Автоматтык жана кол менен эсептөөнүн айырмасы',
    ),
  ],
  [
    'improper_invalidation',
    text(
      'Improper invalidation of ballots',
      'Необоснованное признание бюллетеней недействительными',
      'Bülletenlərin əsassız etibarsız sayılması',
      'Бюллетендерди негизсиз жараксыз деп табуу',
    ),
  ],
  [
    'protocol',
    text(
      'Protocol falsified, improperly completed or copies refused',
      'Протокол подделан, заполнен с нарушениями или копия не выдана',
      'Protokol saxtalaşdırılıb, düzgün doldurulmayıb və ya surəti verilməyib',
      'Протокол бурмаланган, туура эмес толтурулган же көчүрмөсү берилген эмес',
    ),
  ],
  ['sealing', text('Sealing procedures', 'Процедуры опечатывания', 'Möhürləmə prosedurları', 'Мөөр басуу тартиби')],
  [
    'voter_list',
    text(
      'Voter list problems',
      'Проблемы со списком избирателей',
      'Seçici siyahısı ilə bağlı problemlər',
      'Шайлоочулардын тизмесиндеги көйгөйлөр',
    ),
  ],
  ['accessibility', text('Accessibility', 'Доступность', 'Əlçatanlıq', 'Жеткиликтүүлүк')],
  ['procedural_error', text('Procedural error', 'Процедурная ошибка', 'Prosedur xətası', 'Жол-жоболук ката')],
  [
    'threat_to_observers',
    text(
      'Violence or threat to observers',
      'Насилие или угрозы наблюдателям',
      'Müşahidəçilərə qarşı zorakılıq və ya hədə',
      'Байкоочуларга зомбулук же коркутуу',
    ),
  ],
  ['other', text('Other', 'Другое', 'Digər', 'Башка')],
];

const FINDING_CATEGORIES: FindingCategory[] = CATEGORIES.map(([id, label]) => ({ id, label }));

export const DEFAULT_FIELD_KIT: FieldKit = {
  forms: [OPENING, VOTING, CLOSING],
  findingCategories: FINDING_CATEGORIES,
};
