import type Database from 'better-sqlite3';

/** One message a VASP submitted over MM7 (table `mm7_submissions`, migration 3). */
export interface Mm7Submission {
  readonly msgId: number;
  readonly vaspId: string;
  readonly transactionId: string;
  /** The MessageID given to the VASP in SubmitRsp. */
  readonly mm7MessageId: string;
  /** Namespace of the SubmitReq: reports about the message go back in it. */
  readonly namespace: string;
  /** The SenderAddress the VASP gave (as `kind:value`), echoed in reports. */
  readonly sender: string | null;
  readonly linkedId: string | null;
  readonly deliveryReport: boolean;
  readonly readReply: boolean;
  readonly createdAt: number;
}

interface Record_ {
  msg_id: number;
  vasp_id: string;
  transaction_id: string;
  mm7_message_id: string;
  namespace: string;
  sender: string | null;
  linked_id: string | null;
  delivery_report: number;
  read_reply: number;
  created_at: number;
}

function row(r: Record_): Mm7Submission {
  return {
    msgId: r.msg_id,
    vaspId: r.vasp_id,
    transactionId: r.transaction_id,
    mm7MessageId: r.mm7_message_id,
    namespace: r.namespace,
    sender: r.sender,
    linkedId: r.linked_id,
    deliveryReport: r.delivery_report === 1,
    readReply: r.read_reply === 1,
    createdAt: r.created_at,
  };
}

/** The MM7 side of outbound messages, beside the store's own repositories. */
export class Mm7Repo {
  constructor(private readonly db: Database.Database) {}

  /** Records a submission; call inside the transaction that queues the message. */
  insert(s: Mm7Submission): void {
    this.db
      .prepare(`INSERT INTO mm7_submissions (msg_id, vasp_id, transaction_id, mm7_message_id, namespace, sender, linked_id, delivery_report, read_reply, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(s.msgId, s.vaspId, s.transactionId, s.mm7MessageId, s.namespace, s.sender, s.linkedId, s.deliveryReport ? 1 : 0, s.readReply ? 1 : 0, s.createdAt);
  }

  byTransaction(vaspId: string, transactionId: string): Mm7Submission | undefined {
    const r = this.db.prepare('SELECT * FROM mm7_submissions WHERE vasp_id = ? AND transaction_id = ?').get(vaspId, transactionId) as Record_ | undefined;
    return r && row(r);
  }

  byMessageId(mm7MessageId: string): Mm7Submission | undefined {
    const r = this.db.prepare('SELECT * FROM mm7_submissions WHERE mm7_message_id = ?').get(mm7MessageId) as Record_ | undefined;
    return r && row(r);
  }

  byMsgId(msgId: number): Mm7Submission | undefined {
    const r = this.db.prepare('SELECT * FROM mm7_submissions WHERE msg_id = ?').get(msgId) as Record_ | undefined;
    return r && row(r);
  }
}
