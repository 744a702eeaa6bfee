// A question the app asks before it acts on a link: fetching from another site, or running a model
// whose weights differ from the link's. Nothing is fetched or run until it is answered.
import { useEffect, useRef } from 'react';

export interface PendingQuestion {
  title: string;
  text: string;
  yes: string;
  no: string;
  answer(yes: boolean): void;
}

export function LinkQuestion({ question }: { question: PendingQuestion }) {
  const first = useRef<HTMLButtonElement>(null);
  // The keyboard lands on the safe answer.
  useEffect(() => first.current?.focus(), [question]);
  return (
    <div className="link-question" role="alertdialog" aria-modal="false" aria-labelledby="link-question-title" aria-describedby="link-question-text">
      <strong id="link-question-title">{question.title}</strong>
      <p id="link-question-text">{question.text}</p>
      <div className="link-question-buttons">
        <button type="button" ref={first} onClick={() => question.answer(false)}>
          {question.no}
        </button>
        <button type="button" className="primary" onClick={() => question.answer(true)}>
          {question.yes}
        </button>
      </div>
    </div>
  );
}
