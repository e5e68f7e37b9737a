package dev.gdn.ruleset.eval;

import dev.gdn.ruleset.proto.Field;
import dev.gdn.ruleset.proto.ListValue;
import dev.gdn.ruleset.proto.ObjectValue;
import dev.gdn.ruleset.proto.Value;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Converts between protobuf {@link Value}s and the plain Java values of {@link dev.gdn.ruleset.json.JsonReader}. */
public final class ProtoValues {
    private ProtoValues() {
    }

    /** The Java value; lists and maps are unmodifiable so compiled rulesets can share them freely. */
    public static Object toJava(Value v) {
        switch (v.getKindCase()) {
            case BOOL_VALUE:
                return v.getBoolValue();
            case INT_VALUE:
                return v.getIntValue();
            case DOUBLE_VALUE:
                return v.getDoubleValue();
            case STRING_VALUE:
                return v.getStringValue();
            case LIST_VALUE: {
                List<Object> list = new ArrayList<>(v.getListValue().getValuesCount());
                for (Value item : v.getListValue().getValuesList()) {
                    list.add(toJava(item));
                }
                return Collections.unmodifiableList(list);
            }
            case OBJECT_VALUE:
                return toJava(v.getObjectValue());
            case NULL_VALUE:
            case KIND_NOT_SET:
            default:
                return null;
        }
    }

    public static Map<String, Object> toJava(ObjectValue o) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (Field f : o.getFieldsList()) {
            map.put(f.getKey(), toJava(f.getValue()));
        }
        return Collections.unmodifiableMap(map);
    }

    @SuppressWarnings("unchecked")
    public static Value toProto(Object v) {
        Value.Builder b = Value.newBuilder();
        if (v == null) {
            b.setNullValue(true);
        } else if (v instanceof Boolean) {
            b.setBoolValue((Boolean) v);
        } else if (v instanceof Long || v instanceof Integer) {
            b.setIntValue(((Number) v).longValue());
        } else if (v instanceof Number) {
            b.setDoubleValue(((Number) v).doubleValue());
        } else if (v instanceof String) {
            b.setStringValue((String) v);
        } else if (v instanceof List) {
            ListValue.Builder lb = ListValue.newBuilder();
            for (Object item : (List<Object>) v) {
                lb.addValues(toProto(item));
            }
            b.setListValue(lb);
        } else if (v instanceof Map) {
            b.setObjectValue(toProtoObject((Map<String, Object>) v));
        } else {
            throw new IllegalArgumentException("not a JSON value: " + v.getClass().getName());
        }
        return b.build();
    }

    public static ObjectValue toProtoObject(Map<String, Object> map) {
        ObjectValue.Builder ob = ObjectValue.newBuilder();
        for (Map.Entry<String, Object> e : map.entrySet()) {
            ob.addFields(Field.newBuilder().setKey(e.getKey()).setValue(toProto(e.getValue())));
        }
        return ob.build();
    }
}
