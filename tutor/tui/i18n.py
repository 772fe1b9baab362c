"""Interface strings of the TUI in Korean and English (content carries its own languages)."""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    # key: (en, ko)
    "app.title": ("SAA-C03 Week 2 Tutor", "SAA-C03 2주차 튜터"),
    "app.subtitle": ("Resilient and high-performing architectures", "복원력 있는 고성능 아키텍처"),
    "day": ("Day", "일차"),
    "topic": ("Topic", "주제"),
    "lesson": ("Lesson", "레슨"),
    "quiz": ("Quiz", "퀴즈"),
    "lab": ("Lab", "실습"),
    "read": ("read", "읽음"),
    "unread": ("-", "-"),
    "none": ("none", "없음"),
    "quit": ("Quit", "종료"),
    "help": ("Help", "도움말"),
    "back": ("Back", "뒤로"),
    "language": ("한국어", "English"),
    "open_lesson": ("Lesson", "레슨"),
    "open_quiz": ("Quiz", "퀴즈"),
    "open_lab": ("Lab", "실습"),
    "accuracy": ("Accuracy", "정답률"),
    "domain": ("Domain", "도메인"),
    "no_answers": ("no answers yet", "아직 답변 없음"),
    "sandbox.starting": ("Sandbox: starting ...", "샌드박스: 시작 중 ..."),
    "sandbox.off": ("Sandbox: not running", "샌드박스: 실행 중 아님"),
    "sandbox.on": ("Sandbox: {endpoint}", "샌드박스: {endpoint}"),
    "sandbox.failed": ("Sandbox failed: {reason}", "샌드박스 실패: {reason}"),
    "submit": ("Submit", "제출"),
    "next": ("Next", "다음"),
    "correct": ("Correct", "정답"),
    "wrong": ("Wrong", "오답"),
    "choose_n": ("Choose {n}.", "{n}개를 선택하십시오."),
    "choose_one": ("Choose one.", "하나를 선택하십시오."),
    "pick_first": ("Select an answer first (space or enter).", "먼저 답을 선택하십시오(스페이스 또는 엔터)."),
    "pick_n": ("Select exactly {n} options.", "정확히 {n}개를 선택하십시오."),
    "quiz.done": ("Quiz finished: {correct}/{total} ({pct} %), estimated scaled score {scaled}",
                  "퀴즈 완료: {correct}/{total} ({pct}%), 추정 환산 점수 {scaled}"),
    "quiz.empty": ("No questions for this selection yet.", "이 선택에 해당하는 문항이 아직 없습니다."),
    "references": ("References", "참고 문서"),
    "your_answer": ("Your answer", "내 답"),
    # question reports (issue 10): `!` on the quiz, review and exam-result screens
    "report.title": ("Report a problem with question {id}", "문항 {id}의 오류 신고"),
    "report.which": ("Which question is wrong?", "어느 문항이 잘못되었습니까?"),
    "report.prompt": ("What is wrong? Enter saves, escape cancels.",
                      "무엇이 잘못되었는지 짧게 적어 주십시오. Enter를 누르면 저장되고 Escape를 누르면 취소됩니다."),
    "report.placeholder": ("e.g. option B is also right because ...", "예: B도 정답입니다. 이유는 ..."),
    "report.empty": ("Type a short reason first.", "먼저 이유를 짧게 입력하십시오."),
    "report.saved": ("Report on {id} saved: the question stays marked until it is changed.",
                     "{id} 문항 신고를 저장했습니다. 문항이 수정될 때까지 신고 표시가 남습니다."),
    "reported": ("⚠ reported", "⚠ 신고됨"),
    "check": ("Check", "검사"),
    "check_all": ("Check all", "모두 검사"),
    "solve": ("Solve", "풀이 실행"),
    "copy": ("Copy command", "명령 복사"),
    "copied": ("Commands copied to the clipboard.", "명령을 클립보드에 복사했습니다."),
    "checking": ("Checking {step} ...", "{step} 검사 중 ..."),
    "solving": ("Running the solution of {step} ...", "{step} 풀이 실행 중 ..."),
    "real_only": ("Real AWS only: skipped on the sandbox.", "실제 AWS 전용: 샌드박스에서는 건너뜁니다."),
    "not_checked": ("not checked yet", "아직 검사하지 않음"),
    "passed": ("passed", "통과"),
    "failed": ("failed", "실패"),
    "commands": ("Commands", "명령"),
    "env_hint": ("In another terminal (`source .venv/bin/activate` gives you the aws CLI), point it at the sandbox:",
                 "다른 터미널에서(`source .venv/bin/activate`로 aws CLI를 쓸 수 있습니다) aws CLI가 샌드박스를 가리키게 하십시오:"),
    "read_about": ("Read about this", "관련 레슨 읽기"),
    "no_lesson": ("No lesson for this day yet.", "이 날의 레슨이 아직 없습니다."),
    "no_lab": ("No lab for this day yet.", "이 날의 실습이 아직 없습니다."),
    "error": ("Error", "오류"),
    "read_section": ("Press **r** to read the lesson section *{heading}*.", "**r**을 누르면 레슨 섹션 *{heading}*을(를) 읽습니다."),
    "weakest": ("Weakest task statements first", "준비도가 가장 낮은 과제부터"),
    "pick_practice": ("Practise what? (enter to start, escape to close)", "무엇을 연습할까요? (enter로 시작, escape로 닫기)"),
    "lesson_next_page": ("Next section (**n**): *{heading}*", "다음 섹션(**n**): *{heading}*"),
    "links_help": ("Documentation links of this lesson: enter opens the page and copies its URL.",
                   "이 레슨의 문서 링크입니다. enter를 누르면 페이지를 열고 URL을 복사합니다."),
    "link_copied": ("Copied: {url}", "복사했습니다: {url}"),
    "extra_topics": ("Extra topics", "추가 주제"),
    "progress.header": ("| task | readiness % | accuracy % | recall % | answered |",
                        "| 과제 | 준비도 % | 정답률 % | 기억률 % | 답변 |"),
    "keys_here": ("Keys on this screen", "이 화면의 키"),
    "exam_start": ("Start a {n}-question exam of {minutes} minutes? The clock runs until you submit, even while you are away.",
                   "{n}문항, {minutes}분 모의고사를 시작하시겠습니까? 제출할 때까지 자리를 비워도 시간은 계속 흐릅니다."),
    "yes": ("Yes", "예"),
    "no": ("No", "아니요"),
    "overview": ("Answered {answered}/{total} · flagged {flagged}. Choose a question:", "답변 {answered}/{total} · 표시 {flagged}. 문항을 고르십시오:"),
    "exam.bar": ("Question {n}/{total} · answered {answered} · flagged {flagged} · time left {clock}",
                 "문항 {n}/{total} · 답변 {answered} · 표시 {flagged} · 남은 시간 {clock}"),
    "time_up": ("Time is up: the exam was submitted.", "시간이 끝나 시험을 제출했습니다."),
    "unanswered_warning": ("{n} question(s) are unanswered and will count as wrong. Submit anyway?",
                           "답하지 않은 문항 {n}개는 오답으로 처리됩니다. 그래도 제출하시겠습니까?"),
    "exam_paused": ("Exam paused: the clock keeps running. Press e on the home screen to resume.",
                    "시험을 잠시 나갔습니다. 시간은 계속 흐릅니다. 홈 화면에서 e를 눌러 이어서 푸십시오."),
    "exam.pass": ("Passed (estimated)", "합격(추정)"),
    "exam.fail": ("Not passed (estimated)", "불합격(추정)"),
    "exam.score": ("Score {pct} % ({correct}/{total}) · estimated scaled score {scaled} (pass line {line})",
                   "점수 {pct}% ({correct}/{total}) · 추정 환산 점수 {scaled}점 (합격선 {line}점)"),
    "exam.estimate": ("The scaled score is an estimate: AWS does not publish its conversion. The tutor maps 0 % to 100, 70 % to 720 and 100 % to 1000, linearly in between (see the README).",
                      "환산 점수는 추정치입니다. AWS는 환산 방법을 공개하지 않습니다. 튜터는 0%를 100점, 70%를 720점, 100%를 1000점으로 보고 그 사이를 선형으로 계산합니다(README 참고)."),
    "exam.time": ("Time: {avg} s on a question on average; {total} min used of {minutes} min.",
                  "시간: 문항당 평균 {avg}초, 제한 {minutes}분 중 {total}분 사용."),
    "exam.review": ("Every question", "전체 문항 검토"),
    "exam.history": ("Exams taken: {n} · scaled scores: {scores}", "응시한 모의고사: {n}회 · 환산 점수: {scores}"),
    "unanswered": ("unanswered", "답하지 않음"),
    "due_today": ("Due today: {n}", "오늘 복습할 문항: {n}"),
    "mistakes_n": ("Mistakes to review: {n}", "오답 복습: {n}"),
    "exam_active": ("Exam in progress: {left} left — press e to resume", "진행 중인 모의고사: {left} 남음 — e를 눌러 이어서 푸십시오"),
    "queue_empty": ("Nothing in this queue right now.", "지금은 이 대기열에 문항이 없습니다."),
    "readiness": ("Readiness", "준비도"),
    "lab.real_in_terminal": ("Real AWS (your settings): checks read your account, and solving a step asks for the "
                             "account id first and tags what it creates. Clean up from a terminal: `tutor lab cleanup "
                             "{lab} --real` (a dry run first); `tutor lab show {lab} --real` shows the commands with "
                             "the tutor's tags; `tutor lab verify {lab} --real` checks.",
                             "실제 AWS(설정): 검사는 내 계정을 읽고, 단계 풀이는 먼저 계정 ID를 확인한 뒤 만든 것에 태그를 "
                             "붙입니다. 정리는 터미널에서 `tutor lab cleanup {lab} --real`(먼저 dry run)로 하십시오. "
                             "`tutor lab show {lab} --real`은 튜터 태그가 붙은 명령을, `tutor lab verify {lab} --real`은 "
                             "검사를 보여 줍니다."),
    "lab.real_env": ("Real AWS: type the commands in your own shell, with your credentials (no AWS_ENDPOINT_URL); "
                     "the commands above carry the tutor's tags so `tutor lab cleanup {lab} --real` finds them.",
                     "실제 AWS: 위 명령을 내 자격 증명이 있는 셸(AWS_ENDPOINT_URL 없이)에 입력하십시오. 명령에 튜터 태그가 "
                     "붙어 있어 `tutor lab cleanup {lab} --real`이 찾아냅니다."),
    "content_problems": ("{n} content problem(s): run `tutor content check`", "콘텐츠 문제 {n}건: `tutor content check`를 실행하십시오"),
    # lab runner
    "hint": ("Hint", "힌트"),
    "hint_n": ("Hint {level}/{levels}: {text}", "힌트 {level}/{levels}: {text}"),
    "skipped_step": ("{step} skipped: recorded as skipped, not as passed.", "{step} 건너뜀: 통과가 아니라 건너뜀으로 기록됩니다."),
    "reset_step_q": ("Reset step {step}? Its resources are deleted (by the lab's names) and its progress forgotten.",
                     "{step} 단계를 초기화하시겠습니까? 이 단계의 리소스(실습 이름의 것)를 삭제하고 진행 상황을 지웁니다."),
    "reset_lab_q": ("Reset the whole lab {lab}? Everything carrying its names is deleted and its progress forgotten.",
                    "실습 {lab} 전체를 초기화하시겠습니까? 실습 이름이 붙은 리소스를 모두 삭제하고 진행 상황을 지웁니다."),
    "resetting": ("Cleaning up {what} ...", "{what} 정리 중 ..."),
    "reset_done": ("Reset: {n} resource(s) deleted, {kept} kept. Next: {step}.", "초기화: 리소스 {n}개 삭제, {kept}개 유지. 다음 단계: {step}."),
    "watching": ("Watching: each change in the account re-checks the current step ({how}).",
                 "지켜보는 중: 계정이 바뀔 때마다 현재 단계를 다시 검사합니다({how})."),
    "watch_off": ("Watch paused (w resumes).", "지켜보기 일시 중지(w로 다시 시작)."),
    "watch_error": ("Watch: {reason}; trying again every 5 s.", "지켜보기: {reason}. 5초마다 다시 시도합니다."),
    "step_passed": ("{step} passed: on to the next step.", "{step} 통과: 다음 단계로 넘어갑니다."),
    "lab_complete": ("{lab} complete: every step passed in one re-check.", "{lab} 완료: 전체 재검사에서 모든 단계를 통과했습니다."),
    "lab_files": ("Files for these commands: `tutor lab files {lab}` writes them into the current folder.",
                  "이 명령에 필요한 파일: `tutor lab files {lab}`가 현재 폴더에 작성합니다."),
    "state.passed": ("passed", "통과"), "state.solved": ("solved by the tutor", "튜터가 풀이"),
    "state.skipped": ("skipped", "건너뜀"), "state.failed": ("failing", "실패"), "state.not_checked": ("not checked", "미검사"),
    "pick_lab": ("Which lab? (enter opens it, escape closes)", "어느 실습을 열까요? (enter로 열기, escape로 닫기)"),
    # dashboard screen (lab observability): streamcloud-ops drawn from the account
    "dash.title": ("Dashboard {name}", "대시보드 {name}"),
    "dash.loading": ("Reading the dashboard {name} and its metrics ...", "대시보드 {name}과(와) 지표를 읽는 중 ..."),
    "dash.source": ("{name} on {where} · datapoints of the last {hours} h · r reads them again",
                    "{where}의 {name} · 최근 {hours}시간의 데이터 포인트 · r을 누르면 다시 읽습니다"),
    "dash.all_empty": ("No metric has datapoints yet (a fresh sandbox has none): each widget says how to publish some.",
                       "아직 데이터 포인트가 있는 지표가 없습니다(새 샌드박스에는 없습니다). 위젯마다 데이터를 게시하는 방법이 있습니다."),
    "dash.missing": ("No dashboard named {name} in this account yet. Step 2 (dashboard) of the lab observability builds it (day 5, b on the home screen): `tutor lab files observability`, then `aws cloudwatch put-dashboard --dashboard-name {name} --dashboard-body file://dashboard.json`. Then press r.",
                     "이 계정에 대시보드 {name}이(가) 아직 없습니다. 실습 observability의 2단계(dashboard)에서 만듭니다(5일차, 홈 화면에서 b): `tutor lab files observability`를 실행한 뒤 `aws cloudwatch put-dashboard --dashboard-name {name} --dashboard-body file://dashboard.json`을 실행하고 r을 누르십시오."),
    "dash.unreadable": ("The dashboard {name} exists but its body cannot be read: {reason}.",
                        "대시보드 {name}은(는) 있지만 본문을 읽을 수 없습니다: {reason}."),
    "dash.no_widgets": ("The dashboard {name} has no metric widget: add the widgets of dashboard.json (lab observability, step 2).",
                        "대시보드 {name}에 지표 위젯이 없습니다. dashboard.json의 위젯을 추가하십시오(실습 observability, 2단계)."),
    "dash.values": ("last {last} · min {low} · max {high} · {n} datapoint(s), {stat} per {period} s",
                    "최근 {last} · 최소 {low} · 최대 {high} · 데이터 포인트 {n}개, {period}초마다 {stat}"),
    "dash.no_data": ("No data in the last {hours} h. On the sandbox, publish a datapoint (run it a few times with other values, then press r):\n{command}\nOn real AWS the AWS/ namespaces are reserved and cannot be written: the instances and the load balancer publish these metrics once the Day 1 web tier runs, and a load test against the ALB makes them move.",
                     "최근 {hours}시간 동안 데이터가 없습니다. 샌드박스에서는 데이터 포인트를 게시하십시오(값을 바꿔 몇 번 실행한 뒤 r을 누르십시오):\n{command}\n실제 AWS에서는 AWS/ 네임스페이스가 예약되어 있어 직접 쓸 수 없습니다. 1일차 웹 계층이 실행되면 인스턴스와 로드 밸런서가 이 지표를 게시하고, ALB에 부하 테스트를 하면 값이 움직입니다."),
    "dash.error": ("Cannot read the dashboard: {reason}. Press r to try again.", "대시보드를 읽을 수 없습니다: {reason}. r을 눌러 다시 시도하십시오."),
    # long lab work (check, check all, solve): progress, cancel, the whole lab's summary
    "work.checking": ("Checking {n} of {m}: {step}", "검사 중 {n}/{m}: {step}"),
    "work.solving": ("Running the solution {n} of {m}: {step}", "풀이 실행 중 {n}/{m}: {step}"),
    "work.cancel_keys": ("x or escape cancels", "x 또는 escape로 취소"),
    "work.cancelled": ("Cancelled: nothing was recorded.", "취소했습니다. 아무것도 기록하지 않았습니다."),
    "work.summary": ("Check all ({lab}): {n} of {m} steps pass", "모두 검사({lab}): {m}단계 중 {n}단계 통과"),
    "work.failing": ("Failing: {steps}", "실패: {steps}"),
}

DAY_TOPICS = {
    "1": ("EC2 & Auto Scaling", "EC2 & Auto Scaling"),
    "2": ("Serverless & containers", "서버리스 & 컨테이너"),
    "3": ("Storage optimisation", "스토리지 최적화"),
    "4": ("Database performance", "데이터베이스 성능"),
    "5": ("Network & CDN", "네트워크 & CDN"),
    "extra": ("Resilience & ingestion", "복원력 & 데이터 수집"),
}


def tr(key: str, lang: str, **kwargs: object) -> str:
    en, ko = STRINGS[key]
    text = ko if lang == "ko" else en
    return text.format(**kwargs) if kwargs else text


def topic(day: str, lang: str) -> str:
    en, ko = DAY_TOPICS[day]
    return ko if lang == "ko" else en


#: Footer labels per action (the classes declare English; the app shows the chosen language).
KEY_LABELS: dict[str, str] = {
    "report": "오류 신고",
    "back": "뒤로", "cancel": "취소", "widen_toc": "목차 넓히기", "toggle_theme": "밝게/어둡게",
    "lesson": "레슨", "quiz": "퀴즈", "lab": "실습", "exam": "모의고사", "mistakes": "오답 복습",
    "due": "오늘 복습", "progress": "진행 상황", "app.quit": "종료", "weakest": "약점 먼저",
    "pick": "골라서 연습", "app.pop_screen": "뒤로", "toggle_toc": "목차", "submit": "제출",
    "next": "다음", "read": "레슨 읽기", "flag": "표시", "check": "검사", "check_all": "모두 검사",
    "solve": "풀이 실행", "copy": "명령 복사", "leave": "나가기", "move(-1)": "이전", "move(1)": "다음",
    "overview": "전체 보기", "help": "도움말", "dismiss_none": "닫기", "links": "링크",
    "hint": "힌트", "skip": "건너뛰기", "reset_step": "단계 초기화", "reset_lab": "실습 초기화",
    "toggle_watch": "지켜보기", "timeline": "타임라인", "next_page": "다음", "previous_page": "이전",
    "dashboard": "대시보드", "refresh": "새로 고침", "loadtest": "부하 테스트",
    "start_next": "다음 할 일", "exam_date": "시험일",  # home (issue 13)
    "whatif_availability": "가용성 계산기", "whatif_storage": "스토리지 비용", "cycle_mode": "배포 방식",
    "remove_tier": "계층 삭제", "load_own": "내 구성 불러오기",
    "whatif_scaling": "스케일링 시뮬레이터", "run": "실행",
}


def localize_bindings(node, lang: str, refresh: bool = True) -> None:
    """Show the footer of ``node`` in ``lang``. Textual keeps descriptions on frozen Binding
    objects, so each is replaced by a copy with the translated text; English restores the class's.
    ``refresh=False`` leaves redrawing the footer to a later call (each redraw rebuilds it)."""
    import dataclasses

    try:
        table = node._bindings.key_to_bindings
    except AttributeError:  # a Textual without this map: keep the English labels
        return
    for key, bindings in table.items():
        new = []
        for binding in bindings:
            original = getattr(binding, "_tutor_en", None) or binding.description
            text = KEY_LABELS.get(binding.action, original) if lang == "ko" else original
            copy = dataclasses.replace(binding, description=text)
            object.__setattr__(copy, "_tutor_en", original)
            new.append(copy)
        table[key] = new
    if not refresh:
        return
    try:
        node.refresh_bindings()
    except Exception:  # not mounted yet: the footer reads the new labels when it is
        pass


def md_text(text: str) -> str:
    """Content text for a Markdown widget: a literal ``<sensor-id>`` must not become an HTML tag."""
    return text.replace("<", "\\<")
