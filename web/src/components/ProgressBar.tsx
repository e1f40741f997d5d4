import { formatNumber } from '../i18n';

interface ProgressBarProps {
  /** The accessible name of the bar. */
  label: string;
  /** Undefined: not known yet (an indeterminate bar). */
  value?: number;
  max: number;
  /** Text counts shown under the bar (the bar alone says too little). */
  children?: React.ReactNode;
}

/** A native <progress> with a label, its percentage, and the counts behind it. */
export function ProgressBar({ label, value, max, children }: ProgressBarProps) {
  const percent = value === undefined || max <= 0 ? undefined : Math.round((Math.min(value, max) / max) * 100);
  return (
    <div>
      <div className="progress-row">
        {value === undefined ? (
          <progress aria-label={label} />
        ) : (
          <progress aria-label={label} value={Math.min(value, max)} max={Math.max(max, 1)} />
        )}
        {percent !== undefined && <span aria-hidden="true">{formatNumber(percent)}%</span>}
      </div>
      {children}
    </div>
  );
}
