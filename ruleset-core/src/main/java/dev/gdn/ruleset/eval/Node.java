package dev.gdn.ruleset.eval;

/** One compiled operation or literal of a targeting rule. Immutable and shared across threads. */
abstract class Node {
    /**
     * @param frame the evaluation (context, flag key, timestamp)
     * @param data  what {@code var} reads: the context at the top, an item inside map/filter/reduce/all/none/some
     */
    abstract Object eval(Frame frame, Object data);

    /** The literal value when this node is one, so operators can precompute; otherwise {@code NOT_CONSTANT}. */
    Object constantValue() {
        return NOT_CONSTANT;
    }

    static final Object NOT_CONSTANT = new Object();
}
