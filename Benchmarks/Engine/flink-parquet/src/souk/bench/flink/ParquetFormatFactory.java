package souk.bench.flink;

import java.io.IOException;
import java.util.Collections;
import java.util.HashMap;
import java.util.Set;

import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.file.table.factories.BulkWriterFormatFactory;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.format.EncodingFormat;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.factories.DynamicTableFactory;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LocalZonedTimestampType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.TimestampType;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * A Parquet bulk format for Flink's filesystem table sink ('format' = 'souk-parquet'), for the engine
 * benchmark only: the Flink wheel on PyPI does not ship flink-parquet and Maven Central cannot be reached
 * here. Like Flink's own ParquetRowDataWriter it writes each RowData through parquet-mr's ParquetWriter
 * (record consumer per field; parquet-mr's defaults: dictionary encoding on, 1 MiB pages, 128 MiB row
 * groups) into the part file's stream, one Parquet file per part file. Types: STRING, DOUBLE, INT,
 * BIGINT, TIMESTAMP(p) as INT64 microseconds (isAdjustedToUTC, as Souk writes them).
 */
public final class ParquetFormatFactory implements BulkWriterFormatFactory {
    public static final String IDENTIFIER = "souk-parquet";
    static final ConfigOption<String> COMPRESSION =
            ConfigOptions.key("compression").stringType().defaultValue("snappy");

    @Override
    public EncodingFormat<BulkWriter.Factory<RowData>> createEncodingFormat(
            DynamicTableFactory.Context context, ReadableConfig options) {
        String codec = options.get(COMPRESSION);
        return new EncodingFormat<BulkWriter.Factory<RowData>>() {
            @Override
            public BulkWriter.Factory<RowData> createRuntimeEncoder(DynamicTableSink.Context sink, DataType type) {
                return new WriterFactory((RowType) type.getLogicalType(), codec);
            }

            @Override
            public ChangelogMode getChangelogMode() {
                return ChangelogMode.insertOnly();
            }
        };
    }

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Collections.emptySet();
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Collections.singleton(COMPRESSION);
    }

    static final class WriterFactory implements BulkWriter.Factory<RowData> {
        private static final long serialVersionUID = 1L;
        private final RowType rowType;
        private final String codec;

        WriterFactory(RowType rowType, String codec) {
            this.rowType = rowType;
            this.codec = codec;
        }

        @Override
        public BulkWriter<RowData> create(FSDataOutputStream out) throws IOException {
            ParquetWriter<RowData> writer = new Builder(new StreamOutputFile(out), rowType)
                    .withCompressionCodec(CompressionCodecName.fromConf(codec))
                    .withConf(new Configuration(false))
                    .build();
            return new BulkWriter<RowData>() {
                @Override
                public void addElement(RowData row) throws IOException {
                    writer.write(row);
                }

                @Override
                public void flush() {
                    // A row group is written when full or at finish; nothing to flush in between.
                }

                @Override
                public void finish() throws IOException {
                    writer.close(); // writes the last row group and the footer; the stream stays open
                }
            };
        }
    }

    static final class Builder extends ParquetWriter.Builder<RowData, Builder> {
        private final RowType rowType;

        Builder(OutputFile file, RowType rowType) {
            super(file);
            this.rowType = rowType;
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected WriteSupport<RowData> getWriteSupport(Configuration conf) {
            return new RowDataWriteSupport(rowType);
        }
    }

    interface FieldWriter {
        void write(RecordConsumer consumer, RowData row, int index);
    }

    static final class RowDataWriteSupport extends WriteSupport<RowData> {
        private final MessageType schema;
        private final String[] names;
        private final FieldWriter[] writers;
        private RecordConsumer consumer;

        RowDataWriteSupport(RowType rowType) {
            int count = rowType.getFieldCount();
            names = rowType.getFieldNames().toArray(new String[0]);
            writers = new FieldWriter[count];
            Types.MessageTypeBuilder message = Types.buildMessage();
            for (int i = 0; i < count; i++) {
                LogicalType type = rowType.getTypeAt(i);
                switch (type.getTypeRoot()) {
                    case CHAR:
                    case VARCHAR:
                        message.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(names[i]);
                        writers[i] = (c, row, index) -> c.addBinary(Binary.fromReusedByteArray(row.getString(index).toBytes()));
                        break;
                    case DOUBLE:
                        message.optional(PrimitiveTypeName.DOUBLE).named(names[i]);
                        writers[i] = (c, row, index) -> c.addDouble(row.getDouble(index));
                        break;
                    case INTEGER:
                        message.optional(PrimitiveTypeName.INT32).named(names[i]);
                        writers[i] = (c, row, index) -> c.addInteger(row.getInt(index));
                        break;
                    case BIGINT:
                        message.optional(PrimitiveTypeName.INT64).named(names[i]);
                        writers[i] = (c, row, index) -> c.addLong(row.getLong(index));
                        break;
                    case TIMESTAMP_WITHOUT_TIME_ZONE:
                    case TIMESTAMP_WITH_LOCAL_TIME_ZONE: {
                        int precision = type instanceof TimestampType
                                ? ((TimestampType) type).getPrecision()
                                : ((LocalZonedTimestampType) type).getPrecision();
                        message.optional(PrimitiveTypeName.INT64)
                                .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS))
                                .named(names[i]);
                        writers[i] = (c, row, index) -> {
                            TimestampData t = row.getTimestamp(index, precision);
                            c.addLong(t.getMillisecond() * 1000 + t.getNanoOfMillisecond() / 1000);
                        };
                        break;
                    }
                    default:
                        throw new UnsupportedOperationException("souk-parquet: unsupported type " + type);
                }
            }
            schema = message.named("row");
        }

        @Override
        public WriteContext init(Configuration configuration) {
            return new WriteContext(schema, new HashMap<>());
        }

        @Override
        public void prepareForWrite(RecordConsumer recordConsumer) {
            consumer = recordConsumer;
        }

        @Override
        public void write(RowData row) {
            consumer.startMessage();
            for (int i = 0; i < writers.length; i++) {
                if (!row.isNullAt(i)) {
                    consumer.startField(names[i], i);
                    writers[i].write(consumer, row, i);
                    consumer.endField(names[i], i);
                }
            }
            consumer.endMessage();
        }
    }

    /** The part file's stream as a Parquet OutputFile; closing it leaves the stream to Flink. */
    static final class StreamOutputFile implements OutputFile {
        private final FSDataOutputStream out;

        StreamOutputFile(FSDataOutputStream out) {
            this.out = out;
        }

        @Override
        public PositionOutputStream create(long blockSizeHint) {
            return new PositionOutputStream() {
                @Override
                public long getPos() throws IOException {
                    return out.getPos();
                }

                @Override
                public void write(int b) throws IOException {
                    out.write(b);
                }

                @Override
                public void write(byte[] bytes, int offset, int length) throws IOException {
                    out.write(bytes, offset, length);
                }

                @Override
                public void flush() throws IOException {
                    out.flush();
                }

                @Override
                public void close() {
                    // Flink's part file owns the stream: it is closed and committed by the sink.
                }
            };
        }

        @Override
        public PositionOutputStream createOrOverwrite(long blockSizeHint) {
            return create(blockSizeHint);
        }

        @Override
        public boolean supportsBlockSize() {
            return false;
        }

        @Override
        public long defaultBlockSize() {
            return 0;
        }
    }
}
