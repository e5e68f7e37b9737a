package dev.gdn.ruleset.eval;

import static dev.gdn.ruleset.eval.Rules.evalJs;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every JSON Logic operator, each expectation being what the reference implementation (json-logic-js)
 * returns for the same rule and data. Columns: rule | data | expected value (JSON, numbers in JS form).
 */
class JsonLogicOperatorsTest {
    private static void check(String rule, String data, String expected) {
        assertEquals(expected, evalJs(rule, data), () -> rule + " with " + data);
    }

    @ParameterizedTest(name = "{0} with {1} → {2}")
    @CsvSource(delimiter = '|', textBlock = """
            {"var": "a"}                       | {"a": 1}                             | 1
            {"var": ["a"]}                     | {"a": "x"}                           | "x"
            {"var": "a.b.c"}                   | {"a": {"b": {"c": true}}}            | true
            {"var": "a.b.c.d.e.f"}             | {"a":{"b":{"c":{"d":{"e":{"f":"deep"}}}}}} | "deep"
            {"var": "a.0"}                     | {"a": ["x", "y"]}                    | "x"
            {"var": "a.1.n"}                   | {"a": [{"n": 1}, {"n": 2}]}          | 2
            {"var": "a.5"}                     | {"a": ["x"]}                         | null
            {"var": "a.01"}                    | {"a": ["x", "y"]}                    | null
            {"var": "s.1"}                     | {"s": "abc"}                         | "b"
            {"var": "a.b"}                     | {"a.b": 1}                           | null
            {"var": "a"}                       | {}                                   | null
            {"var": ["a", "dflt"]}             | {}                                   | "dflt"
            {"var": ["a", "dflt"]}             | {"a": null}                          | null
            {"var": ["a", "dflt"]}             | {"a": 0}                             | 0
            {"var": ["a", "dflt"]}             | {"a": ""}                            | ""
            {"var": ["a", "dflt"]}             | {"a": false}                         | false
            {"var": ["a.b", "dflt"]}           | {"a": null}                          | "dflt"
            {"var": ["a.b", "dflt"]}           | {"a": 5}                             | "dflt"
            {"var": ["x.y", {"var": "z"}]}     | {"z": 7}                             | 7
            {"var": 1}                         | {"1": "one"}                         | "one"
            {"map": [[["a","b"],["c","d"]], {"var": 1}]} | {}                         | ["b","d"]
            {"map": [[["a","b"],["c","d"]], {"var": [0]}]} | {}                       | ["a","c"]
            {"map": [[1, 2], {"var": ""}]}     | {}                                   | [1,2]
            {"map": [[1, 2], {"var": null}]}   | {}                                   | [1,2]
            {"map": [[1, 2], {"var": []}]}     | {}                                   | [1,2]
            {"var": ""}                        | {"a": 1}                             | {"a":1,"$flagd":{"flagKey":"f","timestamp":1700000000}}
            {"var": {"cat": ["a", ".b"]}}      | {"a": {"b": 3}}                      | 3
            {"var": [{"var": "which"}, "none"]} | {"which": "k", "k": "v"}            | "v"
            {"var": [{"var": "which"}, "none"]} | {"which": "q", "k": "v"}            | "none"
            {"var": "$flagd.flagKey"}          | {}                                   | "f"
            {"var": "$flagd.timestamp"}        | {}                                   | 1700000000
            {"var": ["$flagd.flagKey", "d"]}   | {}                                   | "f"
            {"var": "$flagd.nope"}             | {}                                   | null
            """)
    void var(String rule, String data, String expected) {
        check(rule, data, expected);
    }

    @ParameterizedTest(name = "{0} with {1} → {2}")
    @CsvSource(delimiter = '|', textBlock = """
            {"missing": ["a", "b"]}            | {"a": 1}                   | ["b"]
            {"missing": ["a", "b"]}            | {"a": null, "b": ""}       | ["a","b"]
            {"missing": ["a", "b"]}            | {"a": 0, "b": false}       | []
            {"missing": [["a", "b"]]}          | {"b": 1}                   | ["a"]
            {"missing": "a.b"}                 | {"a": {"b": 1}}            | []
            {"missing": ["a.b"]}               | {"a": {}}                  | ["a.b"]
            {"missing": {"merge": [["a"], "b"]}} | {"a": 1}                 | ["b"]
            {"missing": []}                    | {}                         | []
            {"missing_some": [1, ["a", "b", "c"]]} | {"a": 1}               | []
            {"missing_some": [2, ["a", "b", "c"]]} | {"a": 1}               | ["b","c"]
            {"missing_some": [0, ["a"]]}       | {}                         | []
            {"missing_some": [1, ["a", "b"]]}  | {"a": "", "b": null}       | ["a","b"]
            {"missing_some": [2, ["a", "b"]]}  | {"a": 1, "b": 2}           | []
            """)
    void missing(String rule, String data, String expected) {
        check(rule, data, expected);
    }

    @ParameterizedTest(name = "{0} with {1} → {2}")
    @CsvSource(delimiter = '|', textBlock = """
            {"if": [true, "yes", "no"]}        | {}                 | "yes"
            {"if": [false, "yes", "no"]}       | {}                 | "no"
            {"if": [[], "yes", "no"]}          | {}                 | "no"
            {"if": [[0], "yes", "no"]}         | {}                 | "yes"
            {"if": ["0", "yes", "no"]}         | {}                 | "yes"
            {"if": ["", "yes", "no"]}          | {}                 | "no"
            {"if": [0, "yes", "no"]}           | {}                 | "no"
            {"if": [null, "yes", "no"]}        | {}                 | "no"
            {"if": [{"var": "o"}, "yes", "no"]} | {"o": {}}         | "yes"
            {"if": [{"var": "x"}, "a", {"var": "y"}, "b", "c"]} | {"x": 1, "y": 1} | "a"
            {"if": [{"var": "x"}, "a", {"var": "y"}, "b", "c"]} | {"x": 0, "y": 1} | "b"
            {"if": [{"var": "x"}, "a", {"var": "y"}, "b", "c"]} | {"x": 0, "y": 0} | "c"
            {"if": [false, "a", false, "b"]}   | {}                 | null
            {"if": [false, "a", true, "b"]}    | {}                 | "b"
            {"if": [true, "a"]}                | {}                 | "a"
            {"if": [false, "a"]}               | {}                 | null
            {"if": ["only"]}                   | {}                 | "only"
            {"if": [false, "a", false, "b", false, "c", "d"]} | {} | "d"
            {"?:": [true, 1, 2]}               | {}                 | 1
            {"?:": [false, 1, 2]}              | {}                 | 2
            """)
    void ifAndTernary(String rule, String data, String expected) {
        check(rule, data, expected);
    }

    @ParameterizedTest(name = "{0} → {2}")
    @CsvSource(delimiter = '|', textBlock = """
            {"==": [1, "1"]}             | {}  | true
            {"==": [0, false]}           | {}  | true
            {"==": [null, 0]}            | {}  | false
            {"==": [null, false]}        | {}  | false
            {"==": [null, ""]}           | {}  | false
            {"==": [null, null]}         | {}  | true
            {"==": [{"var": "u"}, null]} | {}  | true
            {"==": [[1], "1"]}           | {}  | true
            {"==": [[1, 2], "1,2"]}      | {}  | true
            {"==": [[], false]}          | {}  | true
            {"==": [[1], [1]]}           | {}  | false
            {"==": ["", 0]}              | {}  | true
            {"==": [" 1 ", 1]}           | {}  | true
            {"==": ["0x10", 16]}         | {}  | true
            {"==": ["1e3", 1000]}        | {}  | true
            {"==": ["abc", "abc"]}       | {}  | true
            {"==": ["abc", "ABC"]}       | {}  | false
            {"==": [1, 1.0]}             | {}  | true
            {"==": ["1", true]}          | {}  | true
            {"==": ["true", true]}       | {}  | false
            {"==": ["0", false]}         | {}  | true
            {"==": [2, true]}            | {}  | false
            {"==": [{"var": "o"}, "[object Object]"]} | {"o": {"k": 1}} | true
            {"==": [{"var": "o"}, {"var": "o"}]}      | {"o": {"k": 1}} | true
            {"===": [1, 1]}              | {}  | true
            {"===": [1, 1.0]}            | {}  | true
            {"===": [1, "1"]}            | {}  | false
            {"===": [0, false]}          | {}  | false
            {"===": [null, null]}        | {}  | true
            {"===": [[1], [1]]}          | {}  | false
            {"===": ["a", "a"]}          | {}  | true
            {"!=": [1, "1"]}             | {}  | false
            {"!=": [1, 2]}               | {}  | true
            {"!=": [null, 0]}            | {}  | true
            {"!==": [1, "1"]}            | {}  | true
            {"!==": [1, 1]}              | {}  | false
            {"!": true}                  | {}  | false
            {"!": [false]}               | {}  | true
            {"!": [[]]}                  | {}  | true
            {"!": ["0"]}                 | {}  | false
            {"!": [0]}                   | {}  | true
            {"!": [null]}                | {}  | true
            {"!": {"var": "missing"}}    | {}  | true
            {"!!": [[]]}                 | {}  | false
            {"!!": [[0]]}                | {}  | true
            {"!!": ["0"]}                | {}  | true
            {"!!": [""]}                 | {}  | false
            {"!!": [-1]}                 | {}  | true
            {"!!": [{"var": "o"}]}       | {"o": {}} | true
            {"!!": [{"/": [0, 0]}]}      | {}  | false
            """)
    void equalityAndNegation(String rule, String data, String expected) {
        check(rule, data, expected);
    }

    @ParameterizedTest(name = "{0} → {2}")
    @CsvSource(delimiter = '|', textBlock = """
            {"and": [1, "x", 3]}            | {}  | 3
            {"and": [1, 0, 3]}              | {}  | 0
            {"and": [1, "", 3]}             | {}  | ""
            {"and": [true, []]}             | {}  | []
            {"and": [false, {"var": "a.b"}]} | {} | false
            {"and": [{"var": "a"}]}         | {"a": "only"} | "only"
            {"or": [0, "", "x", "y"]}       | {}  | "x"
            {"or": [0, false]}              | {}  | false
            {"or": [null, 0]}               | {}  | 0
            {"or": [[], null]}              | {}  | null
            {"or": [{"var": "a"}, "fallback"]} | {} | "fallback"
            {"or": [{"var": "a"}, "fallback"]} | {"a": "set"} | "set"
            """)
    void andOr(String rule, String data, String expected) {
        check(rule, data, expected);
    }

    @ParameterizedTest(name = "{0} → {2}")
    @CsvSource(delimiter = '|', textBlock = """
            {"<": [1, 2]}          | {} | true
            {"<": [2, 1]}          | {} | false
            {"<": [1, 1]}          | {} | false
            {"<=": [1, 1]}         | {} | true
            {"<=": [2, 1]}         | {} | false
            {">": [2, 1]}          | {} | true
            {">": [1, 1]}          | {} | false
            {">=": [1, 1]}         | {} | true
            {">=": [0, 1]}         | {} | false
            {"<": [1, 2, 3]}       | {} | true
            {"<": [1, 3, 3]}       | {} | false
            {"<": [1, 0, 3]}       | {} | false
            {"<": [1, 1, 3]}       | {} | false
            {"<=": [1, 1, 3]}      | {} | true
            {"<=": [1, 3, 3]}      | {} | true
            {"<=": [1, 4, 3]}      | {} | false
            {"<=": [1, 0, 3]}      | {} | false
            {"<": [0, {"var": "age"}, 18]} | {"age": 17} | true
            {"<": [0, {"var": "age"}, 18]} | {"age": 18} | false
            {"<": ["a", "b"]}      | {} | true
            {"<": ["b", "a"]}      | {} | false
            {"<": ["B", "a"]}      | {} | true
            {"<": ["10", "9"]}     | {} | true
            {"<": ["10", 9]}       | {} | false
            {">": ["b", "a"]}      | {} | true
            {">=": ["abc", "abc"]} | {} | true
            {"<": [null, 1]}       | {} | true
            {"<": ["abc", 1]}      | {} | false
            {">=": ["abc", 1]}     | {} | false
            {"<=": ["abc", 1]}     | {} | false
            {"<": [[2], 3]}        | {} | true
            {"<": [false, true]}   | {} | true
            {"<=": ["", 0]}        | {} | true
            """)
    void comparison(String rule, String data, String expected) {
        check(rule, data, expected);
    }

    /**
     * json-logic-js defines the 3-argument form only for {@code <} and {@code <=}; its {@code >} and
     * {@code >=} ignore a third argument ({@code {">": [3, 2, 5]}} is true there). GDN deliberately
     * reads them as chains {@code a > b > c} (see LogicNodes.Compare); this pins that choice.
     */
    @ParameterizedTest(name = "{0} → {2}")
    @CsvSource(delimiter = '|', textBlock = """
            {">": [3, 2, 1]}   | {} | true
            {">": [3, 2, 5]}   | {} | false
            {">=": [3, 3, 3]}  | {} | true
            {">=": [3, 3, 4]}  | {} | false
            """)
    void greaterThanBetweenIsAChain(String rule, String data, String expected) {
        check(rule, data, expected);
    }

    @ParameterizedTest(name = "{0} with {1} → {2}")
    @CsvSource(delimiter = '|', textBlock = """
            {"max": [1, 3, 2]}          | {} | 3
            {"min": [1, 3, 2]}          | {} | 1
            {"max": ["3", 1]}           | {} | 3
            {"min": [-1.5, 0]}          | {} | -1.5
            {"max": [1, "x"]}           | {} | NaN
            {"max": [null, -1]}         | {} | 0
            {"min": [[5], 6]}           | {} | 5
            {"max": [7]}                | {} | 7
            {"+": [1, 2]}               | {} | 3
            {"+": "3.5"}                | {} | 3.5
            {"+": ["3.5", "1"]}         | {} | 4.5
            {"+": ["1", "2abc"]}        | {} | 3
            {"+": [" 4", ".5"]}         | {} | 4.5
            {"+": ["1e3"]}              | {} | 1000
            {"+": [[2, 3]]}             | {} | 2
            {"+": [1, true]}            | {} | NaN
            {"+": [null]}               | {} | NaN
            {"+": ["abc"]}              | {} | NaN
            {"+": [0.1, 0.2]}           | {} | 0.30000000000000004
            {"+": [1, 2, 3, 4]}         | {} | 10
            {"-": [5, 3]}               | {} | 2
            {"-": [2]}                  | {} | -2
            {"-": "3"}                  | {} | -3
            {"-": ["5", "2"]}           | {} | 3
            {"-": [null, 1]}            | {} | -1
            {"-": ["a", 1]}             | {} | NaN
            {"-": [{"var": "x"}]}       | {"x": -4.5} | 4.5
            {"*": [2, "3"]}             | {} | 6
            {"*": [2, 3, 4]}            | {} | 24
            {"*": ["1.5", 2]}           | {} | 3
            {"*": ["x"]}                | {} | "x"
            {"*": [0.1, 3]}             | {} | 0.30000000000000004
            {"/": [1, 4]}               | {} | 0.25
            {"/": ["6", 3]}             | {} | 2
            {"/": [1, 0]}               | {} | Infinity
            {"/": [-1, 0]}              | {} | -Infinity
            {"/": [0, 0]}               | {} | NaN
            {"%": [7, 3]}               | {} | 1
            {"%": [-7, 3]}              | {} | -1
            {"%": [7.5, 2]}             | {} | 1.5
            {"%": ["7", 0]}             | {} | NaN
            """)
    void arithmetic(String rule, String data, String expected) {
        check(rule, data, expected);
    }

    @ParameterizedTest(name = "{0} with {1} → {2}")
    @CsvSource(delimiter = '|', textBlock = """
            {"map": [{"var": "xs"}, {"*": [{"var": ""}, 2]}]}           | {"xs": [1, 2, 3]}  | [2,4,6]
            {"map": [{"var": "nope"}, {"var": ""}]}                    | {}                 | []
            {"map": [{"var": "people"}, {"var": "name"}]}              | {"people": [{"name": "a"}, {"name": "b"}]} | ["a","b"]
            {"map": [[1], {"var": "outer"}]}                           | {"outer": 5}       | [null]
            {"filter": [{"var": "xs"}, {">=": [{"var": ""}, 2]}]}       | {"xs": [1, 2, 3]}  | [2,3]
            {"filter": [{"var": "xs"}, {"var": ""}]}                    | {"xs": [0, 1, "", 2, null, [], "0"]} | [1,2,"0"]
            {"filter": [5, true]}                                      | {}                 | []
            {"reduce": [{"var": "xs"}, {"+": [{"var": "current"}, {"var": "accumulator"}]}, 0]} | {"xs": [1, 2, 3, 4]} | 10
            {"reduce": [{"var": "xs"}, {"cat": [{"var": "accumulator"}, {"var": "current"}]}, ""]} | {"xs": ["a", "b"]} | "ab"
            {"reduce": [[2, 3], {"*": [{"var": "current"}, {"var": "accumulator"}]}, 1]} | {}  | 6
            {"reduce": [[], {"+": [1, 1]}, 7]}                         | {}                 | 7
            {"reduce": [{"var": "nope"}, {"+": [1, 1]}, 7]}            | {}                 | 7
            {"reduce": [[1, 2], {"var": "accumulator"}]}               | {}                 | null
            {"reduce": [[1], {"var": "outer"}, 0]}                     | {"outer": 5}       | null
            {"all": [[1, 2, 3], {">": [{"var": ""}, 0]}]}              | {}                 | true
            {"all": [[1, 0, 3], {"var": ""}]}                          | {}                 | false
            {"all": [[], true]}                                        | {}                 | false
            {"all": [{"var": "nope"}, true]}                           | {}                 | false
            {"none": [[1, 2], {">": [{"var": ""}, 5]}]}                | {}                 | true
            {"none": [[1, 6], {">": [{"var": ""}, 5]}]}                | {}                 | false
            {"none": [[], true]}                                       | {}                 | true
            {"some": [[1, 6], {">": [{"var": ""}, 5]}]}                | {}                 | true
            {"some": [[1, 2], {">": [{"var": ""}, 5]}]}                | {}                 | false
            {"some": [[], true]}                                       | {}                 | false
            {"some": [{"var": "items"}, {"==": [{"var": "qty"}, 0]}]}  | {"items": [{"qty": 1}, {"qty": 0}]} | true
            {"merge": [[1, 2], [3]]}                                   | {}                 | [1,2,3]
            {"merge": [1, [2, [3]]]}                                   | {}                 | [1,2,[3]]
            {"merge": []}                                              | {}                 | []
            {"merge": [null, "a"]}                                     | {}                 | [null,"a"]
            {"merge": [{"var": "a"}, {"var": "b"}]}                    | {"a": [1], "b": [2, 3]} | [1,2,3]
            {"in": ["Spring", "Springfield"]}                          | {}                 | true
            {"in": ["x", "abc"]}                                       | {}                 | false
            {"in": ["", "abc"]}                                        | {}                 | true
            {"in": [1, "a1"]}                                          | {}                 | true
            {"in": ["b", ["a", "b"]]}                                  | {}                 | true
            {"in": ["c", ["a", "b"]]}                                  | {}                 | false
            {"in": ["1", [1, 2]]}                                      | {}                 | false
            {"in": [1, [1.0, 2]]}                                      | {}                 | true
            {"in": ["a", null]}                                        | {}                 | false
            {"in": ["a", 5]}                                           | {}                 | false
            {"in": [{"var": "plan"}, ["pro", "team"]]}                 | {"plan": "team"}   | true
            {"in": [{"var": "plan"}, ["free", "pro", "team", "ent"]]}  | {"plan": "team"}   | true
            {"in": [{"var": "plan"}, ["free", "pro", "team", "ent"]]}  | {"plan": "tea"}    | false
            {"in": [{"var": "plan"}, ["free", "pro", "team", "ent"]]}  | {}                 | false
            {"in": [1, ["1", "2", "3", "4"]]}                          | {}                 | false
            {"in": [null, ["a", "b", "c", "d"]]}                       | {}                 | false
            {"in": ["", ["", "b", "c", "d"]]}                          | {}                 | true
            {"in": [["a"], ["a", "b", "c", "d"]]}                      | {}                 | false
            """)
    void arrays(String rule, String data, String expected) {
        check(rule, data, expected);
    }

    @ParameterizedTest(name = "{0} with {1} → {2}")
    @CsvSource(delimiter = '|', textBlock = """
            {"cat": [1.5, 2]}                 | {}  | "1.52"
            {"cat": ["I love", " pie"]}        | {}  | "I love pie"
            {"cat": "x"}                      | {}  | "x"
            {"cat": [true, 1]}                | {}  | "true1"
            {"cat": []}                       | {}  | ""
            {"cat": [[1, 2], "x"]}            | {}  | "1,2x"
            {"cat": [[1, null, 2]]}           | {}  | "1,,2"
            {"cat": [0.5, 1e21, 1e-7]}        | {}  | "0.51e+211e-7"
            {"cat": [{"var": "o"}]}           | {"o": {}} | "[object Object]"
            {"cat": [{"/": [1, 3]}]}          | {}  | "0.3333333333333333"
            {"cat": [{"-": [0]}]}             | {}  | "0"
            {"cat": ["a", null, "b"]}         | {}  | "ab"
            {"cat": [{"var": "missing"}]}     | {}  | ""
            {"cat": ["id-", {"var": "email"}]} | {}  | "id-"
            {"cat": [{"*": [10000000000, 10000000000]}]}    | {} | "100000000000000000000"
            {"cat": [{"*": [1152921504606846976, 1]}]}      | {} | "1152921504606847000"
            {"cat": [{"*": [123456789012345680000, 1]}]}    | {} | "123456789012345680000"
            {"substr": ["jsonlogic", 4]}      | {}  | "logic"
            {"substr": ["jsonlogic", -5]}     | {}  | "logic"
            {"substr": ["jsonlogic", 0, 1]}   | {}  | "j"
            {"substr": ["jsonlogic", -3, 2]}  | {}  | "gi"
            {"substr": ["jsonlogic", 1, -2]}  | {}  | "sonlog"
            {"substr": ["jsonlogic", -5, -2]} | {}  | "log"
            {"substr": ["abc", 10]}           | {}  | ""
            {"substr": ["abc", -10]}          | {}  | "abc"
            {"substr": ["abc", 1, 100]}       | {}  | "bc"
            {"substr": ["abc", 0, -10]}       | {}  | ""
            {"substr": ["abc", 1.7]}          | {}  | "bc"
            {"substr": [12345, 1, 2]}         | {}  | "23"
            {"substr": ["abc", "1"]}          | {}  | "bc"
            {"log": "apple"}                  | {}  | "apple"
            {"log": [{"var": "a"}]}           | {"a": [1]} | [1]
            """)
    void strings(String rule, String data, String expected) {
        check(rule, data, expected);
    }
}
