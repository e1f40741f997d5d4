import { Fragment } from 'react';

/**
 * An email address that may wrap only after its dots and before its @ (a <wbr> each), never inside a
 * word or at its hyphens: each piece is kept whole (styles.css), except at a phone's width as a last resort.
 */
export function Email({ address }: { address: string }) {
  const parts = address.split(/(?<=\.)|(?=@)/);
  return (
    <span className="email">
      {parts.map((part, i) => (
        <Fragment key={i}>
          {i > 0 && <wbr />}
          <span>{part}</span>
        </Fragment>
      ))}
    </span>
  );
}
