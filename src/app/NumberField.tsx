/** A labelled number input that reports only finite numbers; an empty or partial entry changes nothing. */
export function NumberField({ label, value, step, onChange }: { label: string; value: number; step?: number; onChange(value: number): void }) {
  return (
    <label className="field compact">
      <span>{label}</span>
      <input
        aria-label={label}
        type="number"
        step={step ?? 1}
        value={value}
        onChange={(event) => {
          const parsed = Number(event.target.value);
          if (event.target.value !== '' && Number.isFinite(parsed)) onChange(parsed);
        }}
      />
    </label>
  );
}
